###############################################################################
# A reporting role that cannot use IAM: its password lives in Secrets Manager
# (created by the module, see secrets.tf) and the function rotates it.
###############################################################################

locals {
  reporting_enabled = var.reporting_password_rotation_days != null

  # The default layout (migrator owns the schema, app reads and writes) plus "reporting", which reads the
  # schema and logs in with the password from <function name>/roles/reporting. A role_manager_config of
  # your own replaces it (then declare reporting there too, or set reporting_password_rotation_days = null).
  example_role_manager_config = jsonencode({
    database = var.database_name
    schemas  = [{ name = var.schema, owner = var.migrator_user }]
    roles = concat(
      [
        { name = var.migrator_user, auth = "iam", search_path = [var.schema] },
        { name = var.app_user, auth = "iam", search_path = [var.schema], grants = [{ schema = var.schema, profile = "readwrite" }] },
      ],
      local.reporting_enabled ? [{
        name            = "reporting"
        auth            = "password"
        password_secret = "${var.name}-role-manager/roles/reporting"
        search_path     = [var.schema]
        grants          = [{ schema = var.schema, profile = "readonly" }]
      }] : [],
    )
  })

  role_manager_config = var.role_manager_config != null ? var.role_manager_config : local.example_role_manager_config
  password_roles      = local.reporting_enabled ? { reporting = { rotation_days = var.reporting_password_rotation_days } } : {}
}

output "reporting_password_secret_arn" {
  description = "Secret holding the reporting role's password (JSON username/password), rotated by the function; null without it."
  value       = try(module.role_manager.password_secret_arns["reporting"], null)
}
