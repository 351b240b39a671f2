###############################################################################
# Run the role manager as part of `terraform apply`
#
# aws_lambda_invocation with the default lifecycle_scope (CREATE_ONLY) invokes on
# create and again whenever a trigger changes (a trigger change replaces it);
# destroy invokes nothing. The triggers name why it runs, so `terraform plan`
# shows which one changed. The function's event parser is strict, so the CRUD
# scope (which adds a "tf" key to the event) is not used.
###############################################################################

locals {
  run_triggers = merge(
    {
      # The deployed code (the zip's hash, as given to the function).
      code_hash = aws_lambda_function.this.source_code_hash
      # The layout: ROLE_MANAGER_CONFIG, or the default layout when there is none.
      config_hash = local.role_manager_config_text == null ? "default layout" : sha256(local.role_manager_config_text)
      # Everything else the function reads: host, database, names, extra variables.
      settings_hash = sha256(jsonencode({ for k, v in local.environment : k => v if k != "ROLE_MANAGER_CONFIG" }))
      # A replaced cluster keeps its endpoint but gets a new resource id: run again on it.
      database = var.db_resource_id
      # The databases the layout manages (a cluster config's databases, else the one database), so that a plan
      # shows a database added or removed by name; config_hash covers the rest of the layout.
      databases = join(",", local.layout_databases)
    },
    var.run_triggers,
  )

  layout_databases = local.layout_is_cluster ? try([for d in local.layout.databases : tostring(d.name)], []) : [try(tostring(local.layout.database), var.db_name)]

  manage_result = try(jsondecode(aws_lambda_invocation.manage[0].result), null)
  check_result  = try(jsondecode(data.aws_lambda_invocation.check[0].result), null)
}

# Waits for whatever run_after names (e.g. the cluster's writer instance).
resource "terraform_data" "run_after" {
  count = var.run_on_apply ? 1 : 0
  input = var.run_after
}

resource "aws_lambda_invocation" "manage" {
  count = var.run_on_apply ? 1 : 0

  function_name = aws_lambda_function.this.function_name
  input         = jsonencode({ action = "manage" })
  triggers      = local.run_triggers

  depends_on = [
    terraform_data.layout,
    terraform_data.run_after,
    # The network path and permissions the run needs, not only the function.
    aws_iam_role_policy.function,
    aws_iam_role_policy.runtime,
    aws_iam_role_policy.role_passwords,
    aws_vpc_security_group_egress_rule.database,
    aws_vpc_security_group_egress_rule.https_cidr,
    aws_vpc_security_group_egress_rule.https_security_group,
    aws_vpc_security_group_ingress_rule.database_from_function,
  ]
}

# The check (read-only: its assertions run in transactions that are rolled back) is a data source,
# so it runs at every plan once the manage run is in place, and after the manage run when that runs.
# It returns a normal result with passed = false when an assertion fails; the postcondition turns that
# into a failed plan/apply listing the failed assertions. (A postcondition on a managed invocation
# would keep the failed result in the state and fail every later plan without checking again.)
data "aws_lambda_invocation" "check" {
  count = var.run_on_apply && var.run_check ? 1 : 0

  function_name = aws_lambda_function.this.function_name
  input         = jsonencode({ action = "check" })

  depends_on = [aws_lambda_invocation.manage]

  lifecycle {
    postcondition {
      condition     = try(jsondecode(self.result).passed, false) == true
      error_message = "The role manager's check did not pass:\n  - ${join("\n  - ", try([for a in jsondecode(self.result).assertions : "${a.role}: ${a.name} (${a.detail})" if !a.passed], [self.result]))}\nRun bin/check-database-roles for the full result."
    }
  }
}
