###############################################################################
# Role passwords in Secrets Manager (password_secret) and their rotation
#
# For each entry of var.password_roles: a secret (created here, or an existing
# secret_arn with create_secret = false), read access for the function on exactly that secret, and,
# unless rotate = false, the rotation protocol: Secrets Manager may invoke the
# function for that secret only, and the function may write new versions of it.
###############################################################################

locals {
  created_password_secrets = { for role, spec in var.password_roles : role => spec if spec.create_secret }
  password_secret_arns = {
    for role, spec in var.password_roles :
    role => spec.create_secret ? aws_secretsmanager_secret.role_password[role].arn : spec.secret_arn
  }
  rotated_password_roles = { for role, spec in var.password_roles : role => spec if spec.rotate }
  rotated_secret_arns    = [for role in keys(local.rotated_password_roles) : local.password_secret_arns[role]]
}

resource "aws_secretsmanager_secret" "role_password" {
  for_each = local.created_password_secrets

  name        = "${var.function_name}/roles/${each.key}"
  description = "Password of the PostgreSQL role ${each.key}, managed by the ${var.function_name} function (password_secret)."
  kms_key_id  = var.password_secrets_kms_key_arn

  tags = local.tags
}

# A first value, so that "manage" can create the role before the first rotation. It is kept in the Terraform
# state (the provider's required version predates write-only attributes); rotate once after the first manage
# (aws secretsmanager rotate-secret) and this value is no longer the role's password.
data "aws_secretsmanager_random_password" "role_password" {
  for_each = local.created_password_secrets

  password_length            = 32
  exclude_characters         = "\"'\\/@:;`$ %%{}"
  require_each_included_type = true
}

resource "aws_secretsmanager_secret_version" "role_password" {
  for_each = local.created_password_secrets

  secret_id     = aws_secretsmanager_secret.role_password[each.key].id
  secret_string = jsonencode({ username = each.key, password = data.aws_secretsmanager_random_password.role_password[each.key].random_password })

  lifecycle {
    # The rotation function owns the value from now on.
    ignore_changes = [secret_string]
  }
}

data "aws_iam_policy_document" "role_passwords" {
  count = length(var.password_roles) > 0 ? 1 : 0

  statement {
    sid       = "ReadRolePasswordSecrets"
    effect    = "Allow"
    actions   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
    resources = values(local.password_secret_arns)
  }

  dynamic "statement" {
    for_each = length(local.rotated_secret_arns) > 0 ? [1] : []

    content {
      sid       = "RotateRolePasswordSecrets"
      effect    = "Allow"
      actions   = ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]
      resources = local.rotated_secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.rotated_secret_arns) > 0 ? [1] : []

    content {
      # GetRandomPassword acts on no resource: IAM accepts only "*" for it.
      sid       = "GenerateRotatedPasswords"
      effect    = "Allow"
      actions   = ["secretsmanager:GetRandomPassword"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.password_secrets_kms_key_arn == null ? [] : [var.password_secrets_kms_key_arn]

    content {
      sid       = "UseRolePasswordSecretsKey"
      effect    = "Allow"
      actions   = length(local.rotated_secret_arns) > 0 ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "role_passwords" {
  count = length(var.password_roles) > 0 ? 1 : 0

  name   = "${var.function_name}-role-passwords"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.role_passwords[0].json
}

# Secrets Manager may invoke the function for these secrets only (the function also refuses any secret
# that no declared role names as its password_secret).
resource "aws_lambda_permission" "rotation" {
  for_each = local.rotated_password_roles

  statement_id  = "SecretsManagerRotation-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "secretsmanager.amazonaws.com"
  source_arn    = local.password_secret_arns[each.key]
}

resource "aws_secretsmanager_secret_rotation" "role_password" {
  for_each = local.rotated_password_roles

  secret_id           = local.password_secret_arns[each.key]
  rotation_lambda_arn = aws_lambda_function.this.arn
  # The role must exist (a "manage" run) before its first rotation can set its password.
  rotate_immediately = false

  rotation_rules {
    automatically_after_days = each.value.rotation_days
  }

  depends_on = [
    aws_lambda_permission.rotation,
    aws_iam_role_policy.role_passwords,
    aws_secretsmanager_secret_version.role_password,
  ]
}
