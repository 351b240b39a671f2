###############################################################################
# A reporting role that cannot use IAM: its password lives in Secrets Manager
# (created by the module, see secrets.tf) and the function rotates it.
###############################################################################

locals {
  reporting_enabled = var.reporting_password_rotation_days != null

  # A cluster config (issue 28): the roles once, then every database of the cluster (database_name and
  # extra_databases) with the same layout: migrator owns the schema, app reads and writes it, and "reporting" reads
  # it, logging in with the password from <function name>/roles/reporting. One function and one run manage them
  # all; rds-db:connect covers the IAM roles (migrator, app) whatever database they use. A role_manager_config,
  # layout or layout_file of your own replaces it (then declare reporting there too, or set
  # reporting_password_rotation_days = null).
  example_role_manager_config = jsonencode({
    auth = "iam"
    roles = concat(
      [{ name = var.migrator_user }, { name = var.app_user }],
      local.reporting_enabled ? [{ name = "reporting", auth = "password", password_secret = "${var.name}-role-manager/roles/reporting" }] : [],
    )
    databases = [
      for database in concat([var.database_name], var.extra_databases) : {
        name    = database
        schemas = [{ name = var.schema, owner = var.migrator_user }]
        roles = concat(
          [
            { name = var.migrator_user, search_path = [var.schema] },
            { name = var.app_user, search_path = [var.schema], grants = [{ schema = var.schema, profile = "readwrite" }] },
          ],
          local.reporting_enabled ? [{ name = "reporting", search_path = [var.schema], grants = [{ schema = var.schema, profile = "readonly" }] }] : [],
        )
      }
    ]
  })
  role_manager_config = var.role_manager_config != null ? var.role_manager_config : local.example_role_manager_config
  password_roles      = local.reporting_enabled ? { reporting = { rotation_days = var.reporting_password_rotation_days } } : {}
}

output "reporting_password_secret_arn" {
  description = "Secret holding the reporting role's password (JSON username/password), rotated by the function; null without it."
  value       = try(module.role_manager.password_secret_arns["reporting"], null)
}
