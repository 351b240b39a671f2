data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_vpc" "this" {
  id = var.vpc_id
}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  create_environment_kms_key = var.environment_kms_key_arn == null
  environment_kms_key_arn    = local.create_environment_kms_key ? aws_kms_key.environment[0].arn : var.environment_kms_key_arn

  # The users the function may request IAM auth tokens for (rds-db:connect), for `check`: the IAM login roles of the
  # layout (its top-level roles: in a cluster config, the cluster-wide list, whatever database they are used in), or
  # app_user and migrator_user for the default layout; and additional_iam_db_users. A role's auth is its own, else the
  # layout's, else ROLE_MANAGER_AUTH, else iam, as the function reads it; a dropped or NOLOGIN role never logs in.
  layout_default_auth = try(tostring(local.layout.auth), lookup(var.environment_variables, "ROLE_MANAGER_AUTH", "iam"))
  layout_iam_db_users = local.layout == null ? [var.app_user, var.migrator_user] : [
    for role in try([for r in local.layout.roles : r], []) : tostring(role.name)
    if can(tostring(role.name)) && try(role.login, true) == true && try(role.drop, false) != true
    && try(tostring(role.auth), local.layout_default_auth) == "iam"
  ]
  iam_db_users = distinct(concat(local.layout_iam_db_users, var.additional_iam_db_users))
  iam_db_user_arns = [
    for user in local.iam_db_users :
    "arn:${local.partition}:rds-db:${local.region}:${local.account_id}:dbuser:${var.db_resource_id}/${user}"
  ]

  # HTTPS only to the VPC (where the Secrets Manager interface endpoint is) unless told otherwise.
  https_egress_cidr_blocks = var.https_egress_cidr_blocks == null ? [data.aws_vpc.this.cidr_block] : var.https_egress_cidr_blocks

  # TLS trust for the function's AWS API calls (Secrets Manager): the Amazon Trust Services roots the zip carries,
  # instead of the machine's ~140 CAs that .NET loads on the first handshake (~70 ms of a cold start; assets/README.md).
  # Only in the aws partition; environment_variables can set both to restore the system store.
  trust_environment = local.partition == "aws" ? {
    SSL_CERT_FILE = "/var/task/aws-trust/aws-roots.pem"
    SSL_CERT_DIR  = "/var/task/aws-trust"
  } : {}

  environment = merge(
    local.trust_environment,
    var.environment_variables,
    {
      DB_HOST                = var.db_host
      DB_PORT                = tostring(var.database_port)
      DB_NAME                = var.db_name
      DB_USER                = var.db_master_username
      DB_PASSWORD_SECRET_ARN = var.db_password_secret_arn
      DB_SCHEMA              = var.db_schema
      APP_USER               = var.app_user
      MIGRATOR_USER          = var.migrator_user
    },
    { for k, v in { ROLE_MANAGER_CONFIG = local.role_manager_config_text } : k => v if v != null },
    # Where check and manage leave their evidence (compliance.tf); nothing without evidence_bucket.
    local.evidence_environment,
    # Event configs are a database-administrator power for whoever may invoke: only on explicit opt-in.
    var.allow_event_config ? { ROLE_MANAGER_ALLOW_EVENT_CONFIG = "true" } : {},
  )

  # IAM user and role names end up in rds-db:connect ARNs, where * and ? are wildcards: only plain identifiers.
  iam_name_pattern = "^[A-Za-z_][A-Za-z0-9_$.-]{0,62}$"
  invalid_iam_db_users = [
    for user in concat(local.iam_db_users, [var.db_master_username]) : user if !can(regex(local.iam_name_pattern, user))
  ]

  tags = merge({ "role-manager:function" = var.function_name }, var.tags)
}

###############################################################################
# KMS key for the environment variables
###############################################################################

resource "aws_kms_key" "environment" {
  count = local.create_environment_kms_key ? 1 : 0

  description             = "Encrypts the environment variables of the ${var.function_name} Lambda function"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = local.tags
}

resource "aws_kms_alias" "environment" {
  count = local.create_environment_kms_key ? 1 : 0

  name          = "alias/${var.function_name}-environment"
  target_key_id = aws_kms_key.environment[0].key_id
}

###############################################################################
# Logs
###############################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn
  tags              = local.tags
}

###############################################################################
# IAM
###############################################################################

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.function_name}-lambda"
  description          = "Execution role of the ${var.function_name} Lambda function"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = local.tags
}

# The function's own log group and the network interfaces Lambda needs in the VPC: instead of the managed
# AWSLambdaVPCAccessExecutionRole, whose logs:* actions reach every log group of the account.
data "aws_iam_policy_document" "runtime" {
  statement {
    sid       = "WriteOwnLogGroupOnly"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # Describe* have no resource-level permissions: "*" is the only resource AWS accepts.
  statement {
    sid       = "DescribeNetwork"
    effect    = "Allow"
    actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
    resources = ["*"]
  }

  # A network interface only in the function's subnets with the function's security group.
  statement {
    sid     = "CreateNetworkInterfaceInFunctionSubnets"
    effect  = "Allow"
    actions = ["ec2:CreateNetworkInterface"]
    resources = concat(
      ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"],
      [for subnet in var.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${subnet}"],
      ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/${aws_security_group.this.id}"],
    )
  }

  # Deleting and re-addressing interfaces only in this VPC.
  statement {
    sid       = "ManageNetworkInterfacesInFunctionVpc"
    effect    = "Allow"
    actions   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
    resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"]

    condition {
      test     = "ArnEquals"
      variable = "ec2:Vpc"
      values   = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc/${var.vpc_id}"]
    }
  }
}

resource "aws_iam_role_policy" "runtime" {
  name   = "${var.function_name}-runtime"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.runtime.json
}

data "aws_iam_policy_document" "function" {
  statement {
    sid       = "ReadMasterPasswordSecret"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.db_password_secret_arn]
  }

  dynamic "statement" {
    for_each = var.db_password_secret_kms_key_arn == null ? [] : [var.db_password_secret_kms_key_arn]

    content {
      sid       = "DecryptMasterPasswordSecret"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }

  # Lambda decrypts the environment with this encryption context: the key opens only this function's variables.
  statement {
    sid       = "DecryptEnvironmentVariables"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [local.environment_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:LambdaFunctionName"
      values   = [var.function_name]
    }
  }

  statement {
    sid       = "ConnectAsDeclaredIamUsers"
    effect    = "Allow"
    actions   = ["rds-db:connect"]
    resources = local.iam_db_user_arns
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "${var.function_name}-access"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.function.json

  lifecycle {
    precondition {
      condition     = length(local.invalid_iam_db_users) == 0
      error_message = "These user names cannot go into an rds-db:connect ARN (only letters, digits, _ $ . - and at most 63 characters; no * or ? wildcards): ${join(", ", local.invalid_iam_db_users)}."
    }
    precondition {
      condition     = !contains(keys(var.environment_variables), "ROLE_MANAGER_ALLOW_EVENT_CONFIG")
      error_message = "Set allow_event_config instead of ROLE_MANAGER_ALLOW_EVENT_CONFIG in environment_variables: the module's variable is the one switch."
    }
  }
}

###############################################################################
# Network: only the database port and HTTPS
###############################################################################

resource "aws_security_group" "this" {
  name        = "${var.function_name}-lambda"
  description = "RoleManager Lambda: egress to the database port and HTTPS only"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.function_name}-lambda" })

  # Terraform removes the default allow-all egress rule; the rules below are the only ones.

  lifecycle {
    precondition {
      condition     = length(local.https_egress_cidr_blocks) + length(var.https_egress_security_group_ids) > 0
      error_message = "The function needs HTTPS to Secrets Manager: give https_egress_cidr_blocks (null means the VPC CIDR) or https_egress_security_group_ids."
    }
  }
}

resource "aws_vpc_security_group_egress_rule" "database" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = var.database_security_group_id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "https_cidr" {
  count = length(local.https_egress_cidr_blocks)

  security_group_id = aws_security_group.this.id
  description       = "HTTPS (Secrets Manager endpoint)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = local.https_egress_cidr_blocks[count.index]
  tags              = local.tags
}

resource "aws_vpc_security_group_egress_rule" "https_security_group" {
  count = length(var.https_egress_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "HTTPS (Secrets Manager endpoint)"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.https_egress_security_group_ids[count.index]
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "database_from_function" {
  count = var.create_database_ingress_rule ? 1 : 0

  security_group_id            = var.database_security_group_id
  description                  = "PostgreSQL from the ${var.function_name} Lambda function"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = aws_security_group.this.id
  tags                         = local.tags
}

###############################################################################
# The function
###############################################################################

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn

  filename         = var.lambda_zip_path
  source_code_hash = fileexists(var.lambda_zip_path) ? filebase64sha256(var.lambda_zip_path) : null # a missing zip is the variable's error
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]

  timeout                        = var.timeout
  memory_size                    = var.memory_size
  reserved_concurrent_executions = var.reserved_concurrent_executions

  kms_key_arn = local.environment_kms_key_arn

  environment {
    variables = local.environment
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.application_log_level
    system_log_level      = var.system_log_level
  }

  tags = local.tags

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.runtime,
    aws_iam_role_policy.function,
  ]
}
