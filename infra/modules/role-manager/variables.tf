###############################################################################
# The function
###############################################################################

variable "function_name" {
  description = "Name of the Lambda function; also names its IAM role, security group and log group (/aws/lambda/<function_name>)."
  type        = string
  default     = "role-manager"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1 to 64 letters, digits, hyphens or underscores."
  }
}

variable "lambda_zip_path" {
  description = "Path to the deployment zip built by bin/build-lambda-zip (it holds bootstrap, rds-ca-bundle.pem and aws-trust/aws-roots.pem), e.g. artifacts/lambda/role-manager-lambda-x86_64.zip."
  type        = string

  # Without it, a plan before the build stops at Terraform's raw "filebase64sha256 ... no such file".
  validation {
    condition     = fileexists(var.lambda_zip_path)
    error_message = "The deployment zip does not exist yet (lambda_zip_path): run bin/build-lambda-zip (add --arch arm64 for Graviton) from the repository root, then plan again."
  }
}

variable "architecture" {
  description = "Instruction set of the binary in the zip: x86_64 or arm64. Must match the zip."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "timeout" {
  description = "Function timeout in seconds. A check logs in as every declared role and exercises its privileges; 120 s leaves room for large catalogs and cold starts."
  type        = number
  default     = 120

  validation {
    condition     = var.timeout >= 10 && var.timeout <= 900
    error_message = "timeout must be between 10 and 900 seconds."
  }
}

variable "memory_size" {
  description = "Memory in MB. Lambda allocates CPU in proportion; 512 MB keeps TLS handshakes and catalog reads quick for the Native AOT binary."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency. 1 (the default) means two invocations never run at once; the engine also serialises on an advisory lock."
  type        = number
  default     = 1

  validation {
    condition     = var.reserved_concurrent_executions >= 1
    error_message = "reserved_concurrent_executions must be at least 1 (0 would disable the function)."
  }
}

variable "description" {
  description = "Description of the Lambda function."
  type        = string
  default     = "Provisions PostgreSQL roles, schemas and privileges (RoleManager)."
}

###############################################################################
# Network
###############################################################################

variable "vpc_id" {
  description = "VPC in which the function runs (the VPC of the database)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the function's network interfaces; use subnets that can reach the database and the Secrets Manager VPC endpoint."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids must name at least one subnet."
  }
}

variable "database_security_group_id" {
  description = "Security group of the database. The function's security group may reach it on database_port only."
  type        = string
}

variable "create_database_ingress_rule" {
  description = "Add an ingress rule to the database security group that lets the function's security group in on database_port. Set false when you manage that rule yourself."
  type        = bool
  default     = true
}

variable "https_egress_cidr_blocks" {
  description = "IPv4 ranges the function may reach on port 443 (the Secrets Manager endpoint). Null (the default) means the VPC's own CIDR block, where an interface VPC endpoint lives; [] means none (then name the endpoint's security group in https_egress_security_group_ids). Use [\"0.0.0.0/0\"] only when the function reaches Secrets Manager through a NAT gateway."
  type        = list(string)
  default     = null
}

variable "https_egress_security_group_ids" {
  description = "Security groups (e.g. of the Secrets Manager interface endpoint) the function may reach on port 443, in addition to https_egress_cidr_blocks."
  type        = list(string)
  default     = []
}

###############################################################################
# Database
###############################################################################

variable "db_host" {
  description = "Database endpoint host name (DB_HOST), e.g. the Aurora cluster endpoint."
  type        = string
}

variable "database_port" {
  description = "Database port (DB_PORT); the only port the function may reach on the database security group."
  type        = number
  default     = 5432

  validation {
    condition     = var.database_port >= 1 && var.database_port <= 65535
    error_message = "database_port must be a TCP port number."
  }
}

variable "db_name" {
  description = "Database whose roles are managed (DB_NAME)."
  type        = string
}

variable "db_master_username" {
  description = "Master user name (DB_USER); its password is read from db_password_secret_arn."
  type        = string
}

variable "db_password_secret_arn" {
  description = "ARN of the Secrets Manager secret that holds the master password as JSON with username and password (what RDS writes with manage_master_user_password = true). The function may read this one secret and no other."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.db_password_secret_arn))
    error_message = "db_password_secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "db_password_secret_kms_key_arn" {
  description = "ARN of the customer managed KMS key that encrypts the master secret, if any (aws_rds_cluster master_user_secret_kms_key_id). The function is then allowed kms:Decrypt on that key via Secrets Manager only. Leave null for the AWS managed key aws/secretsmanager."
  type        = string
  default     = null
}

variable "db_resource_id" {
  description = "Resource id of the database for IAM authentication (aws_rds_cluster.cluster_resource_id, e.g. cluster-ABCDEFGHIJKL, or aws_db_instance.resource_id, e.g. db-ABCDEFGHIJKL). rds-db:connect is granted on dbuser:<db_resource_id>/<user> for the declared IAM users only."
  type        = string

  validation {
    condition     = can(regex("^(cluster|db)-[A-Za-z0-9]+$", var.db_resource_id))
    error_message = "db_resource_id must look like cluster-XXXX (Aurora) or db-XXXX (RDS instance)."
  }
}

variable "db_schema" {
  description = "Application schema (DB_SCHEMA)."
  type        = string
  default     = "app"
}

variable "app_user" {
  description = "Application login role (APP_USER)."
  type        = string
  default     = "app"
}

variable "migrator_user" {
  description = "Migrations login role that owns the schema (MIGRATOR_USER)."
  type        = string
  default     = "migrator"
}

variable "additional_iam_db_users" {
  description = "More database users that authenticate with IAM, beyond those of the layout. The function may request rds-db:connect tokens for the IAM login roles of the layout (its top-level roles with auth iam that log in and are not dropped; app_user and migrator_user for the default layout) and these, so that check can log in as each."
  type        = list(string)
  default     = []
}

variable "role_manager_config" {
  description = "Optional full layout config (YAML or JSON text, ROLE_MANAGER_CONFIG). Null uses the default layout built from the names above. Lambda limits all environment variables together to 4 KB."
  type        = string
  default     = null
}

variable "environment_variables" {
  description = "Extra environment variables for the function (e.g. a log level). The module's own variables (DB_*, APP_USER, MIGRATOR_USER, ROLE_MANAGER_CONFIG) take precedence; SSL_CERT_FILE / SSL_CERT_DIR given here replace the module's (the Amazon Trust Services roots in the zip), e.g. for a TLS-inspecting proxy."
  type        = map(string)
  default     = {}
}

###############################################################################
# Encryption and logs
###############################################################################

variable "environment_kms_key_arn" {
  description = "Customer managed KMS key that encrypts the function's environment variables. Null (the default) creates a key with rotation for this function."
  type        = string
  default     = null
}

variable "kms_key_deletion_window_in_days" {
  description = "Deletion window of the KMS key the module creates when environment_kms_key_arn is null."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's CloudWatch log group."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "log_kms_key_arn" {
  description = "Optional KMS key that encrypts the log group (its key policy must allow the logs service)."
  type        = string
  default     = null
}

variable "application_log_level" {
  description = "Lowest application log level Lambda keeps (JSON log format): TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "system_log_level" {
  description = "Lowest Lambda platform log level kept (JSON log format): DEBUG, INFO or WARN."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be DEBUG, INFO or WARN."
  }
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Optional permissions boundary for the function's IAM role."
  type        = string
  default     = null
}

variable "allow_event_config" {
  description = "Let an invocation event carry its own layout (\"config\"), within the limits in docs/security.md (no password_env, createrole, createdb, member_of, drop, extensions). Off by default: with it, whoever may invoke the function chooses which roles exist. Sets ROLE_MANAGER_ALLOW_EVENT_CONFIG=true."
  type        = bool
  default     = false
  nullable    = false
}

###############################################################################
# Role passwords in Secrets Manager (secrets.tf)
###############################################################################

variable "password_roles" {
  description = <<-EOT
    Login roles whose password lives in Secrets Manager, keyed by role name. Each gets a secret named
    <function_name>/roles/<role> (or, with create_secret = false, uses secret_arn, an existing secret; the flag is
    separate because Terraform must know which secrets to create before the ARNs exist), read access for the function, and unless
    rotate = false a rotation schedule (every rotation_days) handled by the function. Declare each role in role_manager_config with
    auth: password and password_secret: <the ARN from the password_secret_arns output>.
  EOT
  type = map(object({
    create_secret = optional(bool, true)
    secret_arn    = optional(string)
    rotate        = optional(bool, true)
    rotation_days = optional(number, 30)
  }))
  default = {}

  validation {
    condition     = alltrue([for spec in values(var.password_roles) : spec.rotation_days >= 1 && spec.rotation_days <= 1000])
    error_message = "rotation_days must be between 1 and 1000 (Secrets Manager's limits); rotate = false turns rotation off."
  }

  validation {
    condition     = alltrue([for spec in values(var.password_roles) : spec.create_secret == (spec.secret_arn == null)])
    error_message = "Give secret_arn exactly when create_secret = false (an existing secret); leave it out to have the module create the secret."
  }

  validation {
    condition     = alltrue([for role in keys(var.password_roles) : can(regex("^[A-Za-z_][A-Za-z0-9_$]{0,62}$", role))])
    error_message = "password_roles keys must be PostgreSQL role names (letters, digits, _ and $, at most 63 characters)."
  }
}

variable "password_secrets_kms_key_arn" {
  description = "Customer-managed KMS key for the role password secrets the module creates (null: the AWS-managed aws/secretsmanager key). The function may use it only via Secrets Manager."
  type        = string
  default     = null
}

###############################################################################
# The layout (alternatives to role_manager_config) and the run on apply
###############################################################################

variable "layout" {
  description = "The layout config as an HCL object with the keys of schema/role-manager.schema.json (database, auth, schemas, roles, extensions). An alternative to role_manager_config and layout_file; validated at plan time."
  type        = any
  default     = null
}

variable "layout_file" {
  description = "Path to a YAML or JSON layout config file (e.g. \"$${path.root}/roles.yaml\"). An alternative to role_manager_config and layout; validated at plan time."
  type        = string
  default     = null
}

variable "run_on_apply" {
  description = "Invoke the function with {\"action\": \"manage\"} during terraform apply: once when created, again whenever its code, layout or settings change (see the run_triggers output), never when nothing changed. A function error fails the apply. Set false to run bin/create-or-update-database-roles by hand instead."
  type        = bool
  default     = true
}

variable "run_check" {
  description = "Also invoke {\"action\": \"check\"} (read-only) after the run on apply and at every later plan, and fail the plan or apply when an assertion fails. The check logs in as every declared IAM role: the module allows rds-db:connect for the layout's IAM login roles (add others in additional_iam_db_users)."
  type        = bool
  default     = false
}

variable "run_after" {
  description = "Values the run on apply waits for, typically the database's writer instance (e.g. [aws_rds_cluster_instance.writer.arn]), so that the database is reachable when it runs. Unlike depends_on on the module, this does not delay creating the function."
  type        = list(string)
  default     = []
}

variable "run_triggers" {
  description = "Extra values that make the run on apply happen again when they change (e.g. { migrations = var.release })."
  type        = map(string)
  default     = {}
}

###############################################################################
# Continuous compliance (compliance.tf): scheduled check, evidence, alarms
###############################################################################

variable "check_schedule" {
  description = "Run the (read-only) check on a schedule: an EventBridge Scheduler expression such as \"rate(1 day)\" or \"cron(0 6 * * ? *)\". The schedule invokes the function with {\"action\": \"check\"} through a role that may invoke this function only. Null (the default) schedules nothing."
  type        = string
  default     = null

  validation {
    condition     = var.check_schedule == null || can(regex("^(rate\\(\\s*[0-9]+\\s+(minute|minutes|hour|hours|day|days)\\s*\\)|cron\\(.+\\)|at\\(.+\\))$", var.check_schedule))
    error_message = "check_schedule must be an EventBridge Scheduler expression: rate(1 day), rate(12 hours), cron(0 6 * * ? *) or at(2026-01-01T06:00:00); null turns the schedule off."
  }
}

variable "check_schedule_timezone" {
  description = "Time zone of a cron() check_schedule (IANA name, e.g. Europe/Paris)."
  type        = string
  default     = "UTC"
  nullable    = false
}

variable "evidence_bucket" {
  description = <<-EOT
    Where every check and manage writes its evidence (one JSON object per run: assertions or changes, who can do what, who
    gained or lost what since the previous one). Null (the default): no evidence. Either the module creates the bucket:
      { create = true }                     # a unique name from the function name
      { create = true, name = "my-audit" }  # this name
    with versioning, default encryption (SSE-S3, or SSE-KMS with kms_key_arn), public access blocked, ACLs off, a policy
    that refuses requests without TLS and, with object_lock_retention_days, Object Lock (object_lock_mode, GOVERNANCE by
    default) so that no version can be deleted or overwritten before then; or it takes an existing bucket:
      { create = false, name = "existing-bucket" }   # (add kms_key_arn when that bucket's objects use SSE-KMS)
    Either way the function may put, get and list objects under evidence_prefix only, never delete.
    force_destroy = true lets terraform destroy empty the bucket it created (locked versions still stay).
  EOT
  type = object({
    create                     = bool
    name                       = optional(string)
    kms_key_arn                = optional(string)
    object_lock_retention_days = optional(number)
    object_lock_mode           = optional(string, "GOVERNANCE")
    force_destroy              = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.evidence_bucket == null || try(var.evidence_bucket.create || var.evidence_bucket.name != null, false)
    error_message = "evidence_bucket: give name (the existing bucket) with create = false, or set create = true to have the module create one."
  }

  validation {
    condition     = try(var.evidence_bucket.name, null) == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.evidence_bucket.name))
    error_message = "evidence_bucket.name must be an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens (no ARN, no s3:// and no prefix: that is evidence_prefix)."
  }

  validation {
    condition     = try(var.evidence_bucket.object_lock_retention_days, null) == null || try(var.evidence_bucket.create && var.evidence_bucket.object_lock_retention_days >= 1, false)
    error_message = "evidence_bucket.object_lock_retention_days applies to a bucket the module creates (create = true; Object Lock can only be turned on at creation) and must be at least 1."
  }

  validation {
    condition     = var.evidence_bucket == null || contains(["GOVERNANCE", "COMPLIANCE"], try(var.evidence_bucket.object_lock_mode, "GOVERNANCE"))
    error_message = "evidence_bucket.object_lock_mode must be GOVERNANCE (privileged users may still shorten it) or COMPLIANCE (nobody can, not even the account root, until the retention ends)."
  }

  validation {
    condition     = try(var.evidence_bucket.kms_key_arn, null) == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.evidence_bucket.kms_key_arn))
    error_message = "evidence_bucket.kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "evidence_prefix" {
  description = "Key prefix of the evidence objects in evidence_bucket (ROLE_MANAGER_EVIDENCE_PREFIX); the function may use keys under it only. Ends with \"/\"."
  type        = string
  default     = "role-manager/"
  nullable    = false

  validation {
    condition     = can(regex("^([A-Za-z0-9!_.'()-]+/)+$", var.evidence_prefix))
    error_message = "evidence_prefix must be one or more path segments each ending with \"/\" (e.g. \"role-manager/\" or \"audit/prod/\"), without a leading \"/\" and without * or ? (IAM would read them as wildcards)."
  }
}

variable "compliance_alarms" {
  description = "Metric filters on the function's log (FailedChecks, AccessGained in compliance_metric_namespace) and CloudWatch alarms when a check fails, someone gains access, or the function errors, notifying alarm_sns_topic_arn or a topic the module creates. Null (the default) turns them on when check_schedule or evidence_bucket is set."
  type        = bool
  default     = null
}

variable "compliance_metric_namespace" {
  description = "CloudWatch namespace of the FailedChecks and AccessGained metrics. Give each deployment in one account and region its own (e.g. RoleManager/orders) so that their alarms stay apart."
  type        = string
  default     = "RoleManager"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.compliance_metric_namespace)) && !startswith(var.compliance_metric_namespace, "AWS/")
    error_message = "compliance_metric_namespace must be 1 to 255 letters, digits or . _ / # : - and must not start with AWS/."
  }
}

variable "alarm_period_seconds" {
  description = "Period over which the alarms add up failed checks, gained access and errors (seconds; a multiple of 60)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.alarm_period_seconds >= 60 && var.alarm_period_seconds % 60 == 0 && var.alarm_period_seconds <= 86400
    error_message = "alarm_period_seconds must be a multiple of 60 between 60 and 86400."
  }
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic the compliance alarms notify. Null (the default) creates one (<function_name>-compliance, encrypted with a KMS key of its own that CloudWatch may use, publishable only by this function's alarms)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN."
  }
}

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the topic the module creates (each must confirm the subscription). Ignored with alarm_sns_topic_arn: subscribe to your own topic yourself."
  type        = list(string)
  default     = []
  nullable    = false
}
