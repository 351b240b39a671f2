variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Prefix for every resource name (VPC, cluster, function)."
  type        = string
  default     = "role-manager-demo"
}

variable "vpc_cidr" {
  description = "CIDR block of the new VPC; two private /20 subnets are carved from it."
  type        = string
  default     = "10.60.0.0/16"
}

variable "lambda_zip_path" {
  description = "Deployment zip built by bin/build-lambda-zip. Relative paths are relative to this folder."
  type        = string
  default     = "../../../artifacts/lambda/role-manager-lambda-x86_64.zip"
}

variable "lambda_architecture" {
  description = "Architecture of the binary in lambda_zip_path (x86_64 or arm64)."
  type        = string
  default     = "x86_64"
}

variable "engine_version" {
  description = "Aurora PostgreSQL engine version."
  type        = string
  default     = "16.6"
}

variable "database_name" {
  description = "Database created in the cluster and managed by the role manager."
  type        = string
  default     = "app"
}

variable "master_username" {
  description = "Master user name; RDS keeps its password in Secrets Manager (manage_master_user_password)."
  type        = string
  default     = "postgres"
}

variable "schema" {
  description = "Application schema the role manager creates."
  type        = string
  default     = "app"
}

variable "app_user" {
  description = "Application login role."
  type        = string
  default     = "app"
}

variable "migrator_user" {
  description = "Migrations login role (owns the schema)."
  type        = string
  default     = "migrator"
}

variable "role_manager_config" {
  description = "Optional layout config (YAML or JSON) replacing the example's cluster layout (reporting.tf: app, migrator and reporting in database_name and each of extra_databases)."
  type        = string
  default     = null
}

variable "layout" {
  description = "Optional layout config as an HCL object (the keys of schema/role-manager.schema.json); an alternative to role_manager_config and layout_file."
  type        = any
  default     = null
}

variable "layout_file" {
  description = "Optional path to a YAML or JSON layout config file; an alternative to role_manager_config and layout. Relative paths are relative to the folder terraform runs in."
  type        = string
  default     = null
}

variable "run_on_apply" {
  description = "Create or update the roles during terraform apply (and again when the function's code, layout or settings change). False leaves that to bin/create-or-update-database-roles."
  type        = bool
  default     = true
}

variable "run_check" {
  description = "Also run the (read-only) check after creating the roles and at every later plan, and fail the plan or apply when it does not pass."
  type        = bool
  default     = false
}

variable "additional_iam_db_users" {
  description = "More IAM-authenticated users the function may log in as, beyond the IAM login roles of the layout (which the module reads from it)."
  type        = list(string)
  default     = []
}

variable "serverless_min_capacity" {
  description = "Aurora Serverless v2 minimum capacity (ACUs)."
  type        = number
  default     = 0.5
}

variable "serverless_max_capacity" {
  description = "Aurora Serverless v2 maximum capacity (ACUs)."
  type        = number
  default     = 2
}

variable "deletion_protection" {
  description = "Protect the cluster from deletion. Off by default so the example can be torn down; turn it on for anything that matters."
  type        = bool
  default     = false
}

variable "skip_final_snapshot" {
  description = "Skip the final snapshot when the cluster is destroyed (true suits a throwaway example)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "reporting_password_rotation_days" {
  description = "Rotate the password of the example's reporting role (kept in Secrets Manager) every this many days; null leaves the reporting role out."
  type        = number
  default     = 30
}

variable "extra_databases" {
  description = "More databases of the cluster, created through the RDS Data API (databases.tf, which turns the Data API on) and managed by the same function and layout as database_name. [] keeps one database and the Data API off."
  type        = list(string)
  default     = ["reports"]
  nullable    = false

  validation {
    condition     = alltrue([for name in var.extra_databases : can(regex("^[a-z_][a-z0-9_]{0,62}$", name))]) && !contains(var.extra_databases, var.database_name) && length(distinct(var.extra_databases)) == length(var.extra_databases)
    error_message = "extra_databases must be distinct lower-case names (letters, digits, _; at most 63 characters), other than database_name."
  }
}

variable "check_schedule" {
  description = "How often the role manager checks every database (an EventBridge Scheduler expression), e.g. \"rate(1 day)\"; null: never on its own."
  type        = string
  default     = "rate(1 day)"
}

variable "evidence_bucket" {
  description = "Keep the evidence of every check and manage in an S3 bucket created here (versioned, encrypted, private, TLS only)."
  type        = bool
  default     = true
  nullable    = false
}

variable "evidence_retention_days" {
  description = "Object Lock retention of the evidence (days): no evidence object can be deleted or overwritten before then, and terraform destroy cannot empty the bucket. Null: no Object Lock (and destroy empties the bucket)."
  type        = number
  default     = null
}

variable "alarm_email" {
  description = "E-mail address told when a check fails or someone gains access outside the tool (it must confirm the subscription); null: the alarms notify the topic only."
  type        = string
  default     = null
}
