# Test root module: the role-manager module with role password secrets (secrets.tf), applied against moto_server.
# The test copies infra/ next to this folder, so the module source is ../infra/modules/role-manager.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40.0, < 6.0.0"
    }
  }
}

variable "endpoint" {
  description = "moto_server URL on loopback, e.g. http://127.0.0.1:5123"
  type        = string
}

variable "lambda_zip_path" {
  type = string
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    ec2            = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    lambda         = var.endpoint
    logs           = var.endpoint
    secretsmanager = var.endpoint
    sts            = var.endpoint
  }
}

resource "aws_vpc" "test" {
  cidr_block = "10.42.0.0/16"
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.test.id
  cidr_block        = cidrsubnet(aws_vpc.test.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_security_group" "database" {
  name        = "test-database"
  description = "database"
  vpc_id      = aws_vpc.test.id
}

resource "aws_kms_key" "secret" {
  description = "master secret key"
}

resource "aws_secretsmanager_secret" "master" {
  name       = "rds-cluster-test-master"
  kms_key_id = aws_kms_key.secret.arn
}

# An existing secret for a role that is read but not rotated.
resource "aws_secretsmanager_secret" "bi" {
  name = "existing/bi-password"
}

module "role_manager" {
  source = "../infra/modules/role-manager"

  function_name   = "role-manager-pw"
  lambda_zip_path = var.lambda_zip_path

  vpc_id                     = aws_vpc.test.id
  subnet_ids                 = aws_subnet.private[*].id
  database_security_group_id = aws_security_group.database.id

  db_host                        = "test-cluster.cluster-abc.us-east-1.rds.amazonaws.com"
  database_port                  = 5432
  db_name                        = "appdb"
  db_master_username             = "postgres"
  db_password_secret_arn         = aws_secretsmanager_secret.master.arn
  db_password_secret_kms_key_arn = aws_kms_key.secret.arn
  db_resource_id                 = "cluster-TESTRESOURCEID"
  db_schema                      = "app"
  app_user                       = "app"
  migrator_user                  = "migrator"
  additional_iam_db_users        = ["reporting"]

  log_retention_in_days = 30

  password_roles = {
    reporting = {}
    bi        = { create_secret = false, secret_arn = aws_secretsmanager_secret.bi.arn, rotate = false }
  }
  password_secrets_kms_key_arn = aws_kms_key.secret.arn

  # moto here runs no Lambda (no Docker): the run on apply is tested with a stand-in in RunOnApplyTests.
  run_on_apply = false
}

output "password_secret_arns" {
  value = module.role_manager.password_secret_arns
}

output "bi_secret_arn" {
  value = aws_secretsmanager_secret.bi.arn
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

output "subnet_ids" {
  value = aws_subnet.private[*].id
}

output "database_security_group_id" {
  value = aws_security_group.database.id
}

output "secret_arn" {
  value = aws_secretsmanager_secret.master.arn
}

output "secret_kms_key_arn" {
  value = aws_kms_key.secret.arn
}

output "vpc_cidr_block" {
  value = aws_vpc.test.cidr_block
}
