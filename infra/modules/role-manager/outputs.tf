output "function_name" {
  description = "Name of the Lambda function (pass it to bin/create-or-update-database-roles, bin/check-database-roles and bin/plan-database-roles)."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the function's IAM execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the function's IAM execution role."
  value       = aws_iam_role.this.name
}

output "security_group_id" {
  description = "Security group of the function (egress to the database port and HTTPS only)."
  value       = aws_security_group.this.id
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}

output "environment_kms_key_arn" {
  description = "KMS key that encrypts the function's environment variables (created by the module unless environment_kms_key_arn was given)."
  value       = local.environment_kms_key_arn
}

output "iam_db_users" {
  description = "Database users the function may connect as with IAM authentication (rds-db:connect)."
  value       = local.iam_db_users
}

output "password_secret_arns" {
  description = "ARN of each role's password secret (var.password_roles), keyed by role name: use them as password_secret in role_manager_config."
  value       = local.password_secret_arns
}

output "run_triggers" {
  description = "Why the role manager runs on apply: code_hash, config_hash, settings_hash, database and your run_triggers. terraform plan replaces the invocation when one of them changes."
  value       = local.run_triggers
}

output "run_changes" {
  description = "What the run on apply changed in the database: one description per change (no SQL, no secrets); [] when the database already matched. Null when run_on_apply is false."
  value       = var.run_on_apply ? try([for c in local.manage_result.changes : c.description], []) : null
}

output "run_summary" {
  description = "The run on apply's result without SQL: action, database, server, changed, statements_executed, changes (descriptions) and findings (what the master cannot fix; bin/plan-database-roles shows their SQL). Null when run_on_apply is false."
  value = var.run_on_apply ? {
    action              = try(local.manage_result.action, null)
    database            = try(local.manage_result.database, null)
    server              = try(local.manage_result.server, null)
    changed             = try(local.manage_result.changed, null)
    statements_executed = try(local.manage_result.statementsExecuted, null)
    changes             = try([for c in local.manage_result.changes : c.description], [])
    findings            = try([for f in local.manage_result.findings : "${f.subject}: ${f.problem}"], [])
    check_passed        = var.run_check ? try(local.check_result.passed, null) : null
  } : null
}

output "evidence_bucket_name" {
  description = "Bucket the function writes its evidence to (created by the module or given); null without evidence_bucket."
  value       = local.evidence_bucket_name
}

output "evidence_prefix" {
  description = "Key prefix of the evidence objects (the function may use keys under it only); null without evidence_bucket."
  value       = local.evidence_enabled ? var.evidence_prefix : null
}

output "check_schedule_arn" {
  description = "ARN of the EventBridge Scheduler schedule that runs the check; null without check_schedule."
  value       = one(aws_scheduler_schedule.check[*].arn)
}

output "compliance_alarm_arns" {
  description = "ARNs of the compliance alarms: failed_checks, access_gained and function_errors; {} when compliance_alarms is off."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.compliance : key => alarm.arn }
}

output "alarm_topic_arn" {
  description = "SNS topic the compliance alarms notify (alarm_sns_topic_arn or the one the module creates); null when compliance_alarms is off."
  value       = local.alarm_topic_arn
}
