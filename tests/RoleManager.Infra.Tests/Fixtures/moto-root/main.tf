# Test root module: the role-manager module applied against moto_server on loopback, in the network of
# ../moto-network. With password_roles it adds the role password secrets (secrets.tf): a created, rotated one
# for "reporting" and an existing, unrotated one for "bi" (PasswordSecretsOnMotoTests); without, the module's
# defaults (ModuleOnMotoFixture). With compliance, the scheduled check, an evidence bucket and the alarms
# (ComplianceOnMotoFixture). The test copies infra/ and moto-network/ next to this folder, and the provider
# (../moto-provider.tf) into it.

variable "lambda_zip_path" {
  type = string
}

variable "function_name" {
  type    = string
  default = "role-manager-test"
}

variable "compliance" {
  description = "Whether to run the check on a schedule, keep evidence in a bucket the module creates (with Object Lock) and raise alarms (ComplianceOnMotoFixture)"
  type        = bool
  default     = false
}

# Passed on to the module as given, to plan other settings (CompliancePlanTests, ClusterLayoutPlanTests).
variable "evidence_bucket" {
  type    = any
  default = null
}

variable "evidence_prefix" {
  type    = string
  default = "audit/appdb/"
}

variable "check_schedule" {
  type    = string
  default = null
}

variable "layout_file" {
  type    = string
  default = null
}

variable "alarm_sns_topic_arn" {
  type    = string
  default = null
}

variable "password_roles" {
  description = "Whether to declare the reporting and bi password roles"
  type        = bool
  default     = false
}

module "network" {
  source = "../moto-network"

  name                  = "test"
  cidr_block            = "10.42.0.0/16"
  availability_zones    = ["us-east-1a", "us-east-1b"]
  master_secret_kms_key = true
}

# An existing secret for a role that is read but not rotated.
resource "aws_secretsmanager_secret" "bi" {
  count = var.password_roles ? 1 : 0
  name  = "existing/bi-password"
}

locals {
  password_roles = {
    reporting = {}
    bi        = { create_secret = false, secret_arn = one(aws_secretsmanager_secret.bi[*].arn), rotate = false }
  }
}

module "role_manager" {
  source = "../infra/modules/role-manager"

  function_name   = var.function_name
  lambda_zip_path = var.lambda_zip_path

  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.subnet_ids
  database_security_group_id = module.network.database_security_group_id

  db_host                        = "test-cluster.cluster-abc.us-east-1.rds.amazonaws.com"
  database_port                  = 5432
  db_name                        = "appdb"
  db_master_username             = "postgres"
  db_password_secret_arn         = module.network.master_secret_arn
  db_password_secret_kms_key_arn = module.network.master_secret_kms_key_arn
  db_resource_id                 = "cluster-TESTRESOURCEID"
  db_schema                      = "app"
  app_user                       = "app"
  migrator_user                  = "migrator"
  additional_iam_db_users        = ["reporting"]
  layout_file                    = var.layout_file

  log_retention_in_days = 30

  password_roles               = { for name, role in local.password_roles : name => role if var.password_roles }
  password_secrets_kms_key_arn = var.password_roles ? module.network.master_secret_kms_key_arn : null

  check_schedule = var.compliance ? "rate(1 day)" : var.check_schedule
  # (A tuple, not a conditional: the two objects may have different attributes.)
  evidence_bucket       = [{ create = true, object_lock_retention_days = 30, force_destroy = true }, var.evidence_bucket][var.compliance ? 0 : 1]
  evidence_prefix       = var.evidence_prefix
  alarm_sns_topic_arn   = var.alarm_sns_topic_arn
  alarm_email_addresses = var.compliance ? ["dba@example.com"] : []

  # This fixture looks at the deployed resources; the run on apply is tested through Fixtures/run-root
  # (RunOnApplyTests), where a proxy answers Invoke (moto here would try Docker).
  run_on_apply = false
}

output "password_secret_arns" {
  value = module.role_manager.password_secret_arns
}

output "bi_secret_arn" {
  value = one(aws_secretsmanager_secret.bi[*].arn)
}

output "function_name" {
  value = module.role_manager.function_name
}

output "function_arn" {
  value = module.role_manager.function_arn
}

output "role_arn" {
  value = module.role_manager.role_arn
}

output "role_name" {
  value = module.role_manager.role_name
}

output "security_group_id" {
  value = module.role_manager.security_group_id
}

output "log_group_name" {
  value = module.role_manager.log_group_name
}

output "environment_kms_key_arn" {
  value = module.role_manager.environment_kms_key_arn
}

output "evidence_bucket_name" {
  value = module.role_manager.evidence_bucket_name
}

output "check_schedule_arn" {
  value = module.role_manager.check_schedule_arn
}

output "compliance_alarm_arns" {
  value = module.role_manager.compliance_alarm_arns
}

output "alarm_topic_arn" {
  value = module.role_manager.alarm_topic_arn
}

output "run_triggers" {
  value = module.role_manager.run_triggers
}

output "iam_db_users" {
  value = module.role_manager.iam_db_users
}

output "network" {
  value = module.network
}
