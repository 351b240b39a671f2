# An Aurora PostgreSQL cluster in private subnets, the Secrets Manager VPC endpoint, and the
# role manager function wired to them. Nothing here is reachable from the internet.

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs             = slice(data.aws_availability_zones.available.names, 0, 2)
  lambda_zip_path = abspath(startswith(var.lambda_zip_path, "/") ? var.lambda_zip_path : "${path.module}/${var.lambda_zip_path}")
}

###############################################################################
# Network: a VPC with private subnets only (no internet gateway, no NAT)
###############################################################################

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # needed for the endpoint's private DNS name

  tags = { Name = var.name }
}

resource "aws_subnet" "private" {
  count = length(local.azs)

  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index)
  availability_zone = local.azs[count.index]

  tags = { Name = "${var.name}-private-${local.azs[count.index]}" }
}

resource "aws_security_group" "database" {
  name        = "${var.name}-database"
  description = "Aurora PostgreSQL: ingress only from the role manager (added by the module) and your application"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name}-database" }
}

resource "aws_security_group" "secretsmanager_endpoint" {
  name        = "${var.name}-secretsmanager-endpoint"
  description = "Secrets Manager interface endpoint: HTTPS from the role manager"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name}-secretsmanager-endpoint" }
}

resource "aws_vpc_security_group_ingress_rule" "endpoint_from_role_manager" {
  security_group_id            = aws_security_group.secretsmanager_endpoint.id
  description                  = "HTTPS from the role manager function"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = module.role_manager.security_group_id
}

resource "aws_vpc_endpoint" "secretsmanager" {
  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${var.region}.secretsmanager"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.secretsmanager_endpoint.id]

  tags = { Name = "${var.name}-secretsmanager" }
}

###############################################################################
# Aurora PostgreSQL with the master password in Secrets Manager and IAM auth on
###############################################################################

resource "aws_kms_key" "database" {
  description             = "${var.name}: Aurora storage and the master user secret"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = var.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  engine_version     = var.engine_version
  database_name      = var.database_name
  port               = 5432

  master_username               = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.database.arn

  iam_database_authentication_enabled = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.database.id]

  storage_encrypted         = true
  kms_key_id                = aws_kms_key.database.arn
  backup_retention_period   = 7
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.name}-final"

  # The RDS Data API, only to create the extra databases (databases.tf) without a host inside the VPC.
  enable_http_endpoint = length(var.extra_databases) > 0

  serverlessv2_scaling_configuration {
    min_capacity = var.serverless_min_capacity
    max_capacity = var.serverless_max_capacity
  }
}

resource "aws_rds_cluster_instance" "writer" {
  identifier          = "${var.name}-1"
  cluster_identifier  = aws_rds_cluster.this.id
  engine              = aws_rds_cluster.this.engine
  engine_version      = aws_rds_cluster.this.engine_version
  instance_class      = "db.serverless"
  publicly_accessible = false
}

###############################################################################
# The role manager
###############################################################################

module "role_manager" {
  source = "../../modules/role-manager"

  function_name   = "${var.name}-role-manager"
  lambda_zip_path = local.lambda_zip_path
  architecture    = var.lambda_architecture

  vpc_id                     = aws_vpc.this.id
  subnet_ids                 = aws_subnet.private[*].id
  database_security_group_id = aws_security_group.database.id

  # HTTPS only to the Secrets Manager endpoint.
  https_egress_cidr_blocks        = []
  https_egress_security_group_ids = [aws_security_group.secretsmanager_endpoint.id]

  db_host                        = aws_rds_cluster.this.endpoint
  database_port                  = aws_rds_cluster.this.port
  db_name                        = aws_rds_cluster.this.database_name
  db_master_username             = aws_rds_cluster.this.master_username
  db_password_secret_arn         = aws_rds_cluster.this.master_user_secret[0].secret_arn
  db_password_secret_kms_key_arn = aws_kms_key.database.arn
  db_resource_id                 = aws_rds_cluster.this.cluster_resource_id

  db_schema               = var.schema
  app_user                = var.app_user
  migrator_user           = var.migrator_user
  additional_iam_db_users = var.additional_iam_db_users
  # The example's cluster layout (reporting.tf), unless you give your own in one of the three forms.
  role_manager_config = var.layout == null && var.layout_file == null ? local.role_manager_config : null
  layout              = var.layout
  layout_file         = var.layout_file
  password_roles      = local.password_roles

  # The roles are created during this same apply, once the writer instance and the Secrets
  # Manager endpoint are up; the function itself is built meanwhile, while the cluster starts.
  run_on_apply = var.run_on_apply
  run_check    = var.run_check
  run_after    = [aws_rds_cluster_instance.writer.arn, aws_vpc_endpoint.secretsmanager.id, terraform_data.extra_databases.id]

  # Continuous compliance: the check every check_schedule, its evidence in a bucket created here, an alarm (and an
  # e-mail to alarm_email) when a check fails or someone gains access outside the tool.
  check_schedule        = var.check_schedule
  evidence_bucket       = var.evidence_bucket ? { create = true, object_lock_retention_days = var.evidence_retention_days, force_destroy = var.evidence_retention_days == null } : null
  alarm_email_addresses = var.alarm_email == null ? [] : [var.alarm_email]
}
