output "role_manager_function_name" {
  description = "Name of the role manager Lambda function; the bin/ scripts read it from here."
  value       = module.role_manager.function_name
}

output "role_manager_function_arn" {
  description = "ARN of the role manager Lambda function."
  value       = module.role_manager.function_arn
}

output "role_manager_role_arn" {
  description = "ARN of the function's IAM execution role."
  value       = module.role_manager.role_arn
}

output "role_manager_security_group_id" {
  description = "Security group of the function."
  value       = module.role_manager.security_group_id
}

output "role_manager_log_group_name" {
  description = "CloudWatch log group of the function."
  value       = module.role_manager.log_group_name
}

output "region" {
  description = "Region of everything above (the scripts use it when AWS_REGION is not set)."
  value       = var.region
}

output "cluster_endpoint" {
  description = "Writer endpoint of the Aurora cluster (private)."
  value       = aws_rds_cluster.this.endpoint
}

output "cluster_resource_id" {
  description = "Resource id of the cluster, used in rds-db:connect ARNs."
  value       = aws_rds_cluster.this.cluster_resource_id
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret with the master password (managed by RDS)."
  value       = aws_rds_cluster.this.master_user_secret[0].secret_arn
}

output "database_security_group_id" {
  description = "Security group of the cluster; add ingress rules for your application here."
  value       = aws_security_group.database.id
}

output "private_subnet_ids" {
  description = "Private subnets of the VPC."
  value       = aws_subnet.private[*].id
}

output "role_manager_changes" {
  description = "What the role manager changed in the database during this apply (descriptions only); [] when nothing needed changing."
  value       = module.role_manager.run_changes
}

output "role_manager_run_triggers" {
  description = "Why the role manager runs on apply (code_hash, config_hash, settings_hash, database)."
  value       = module.role_manager.run_triggers
}

output "databases" {
  description = "The databases of the cluster the role manager manages (database_name and extra_databases)."
  value       = concat([var.database_name], var.extra_databases)
}

output "evidence_bucket_name" {
  description = "Bucket holding the evidence of every check and manage (under role-manager/); null without evidence_bucket."
  value       = module.role_manager.evidence_bucket_name
}

output "check_schedule_arn" {
  description = "The schedule that runs the check; null without check_schedule."
  value       = module.role_manager.check_schedule_arn
}

output "alarm_topic_arn" {
  description = "SNS topic of the compliance alarms (subscribe to it, or set alarm_email)."
  value       = module.role_manager.alarm_topic_arn
}
