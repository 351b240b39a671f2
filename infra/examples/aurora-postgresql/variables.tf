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
  description = "Optional layout config (YAML or JSON) for roles beyond app and migrator; null uses the default layout."
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
  description = "IAM-authenticated users declared in role_manager_config besides app and migrator (e.g. reporting)."
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
