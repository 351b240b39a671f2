# The network and master secret every test root puts the role-manager module in, on moto_server: a VPC, private
# subnets, the database security group and the master secret (optionally under its own KMS key). One module, so
# the roots hold only what differs: their provider (the root configures it; this module inherits it) and the
# module's settings.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40.0, < 6.0.0"
    }
  }
}

variable "name" {
  description = "Names the database security group (<name>-database) and the master secret (rds-cluster-<name>-master)"
  type        = string
}

variable "cidr_block" {
  type = string
}

variable "availability_zones" {
  description = "One private subnet (a /24 of cidr_block) in each"
  type        = list(string)
}

variable "master_secret_kms_key" {
  description = "Whether the master secret has a KMS key of its own (the function then needs kms:Decrypt on it)"
  type        = bool
  default     = false
}

resource "aws_vpc" "test" {
  cidr_block = var.cidr_block
}

resource "aws_subnet" "private" {
  count             = length(var.availability_zones)
  vpc_id            = aws_vpc.test.id
  cidr_block        = cidrsubnet(aws_vpc.test.cidr_block, 8, count.index)
  availability_zone = var.availability_zones[count.index]
}

resource "aws_security_group" "database" {
  name        = "${var.name}-database"
  description = "database"
  vpc_id      = aws_vpc.test.id
}

resource "aws_kms_key" "secret" {
  count       = var.master_secret_kms_key ? 1 : 0
  description = "master secret key"
}

resource "aws_secretsmanager_secret" "master" {
  name       = "rds-cluster-${var.name}-master"
  kms_key_id = one(aws_kms_key.secret[*].arn)
}

output "vpc_id" {
  value = aws_vpc.test.id
}

output "vpc_cidr_block" {
  value = aws_vpc.test.cidr_block
}

output "subnet_ids" {
  value = aws_subnet.private[*].id
}

output "database_security_group_id" {
  value = aws_security_group.database.id
}

output "master_secret_arn" {
  value = aws_secretsmanager_secret.master.arn
}

output "master_secret_kms_key_arn" {
  description = "null without master_secret_kms_key"
  value       = one(aws_kms_key.secret[*].arn)
}
