# The provider of both test roots (moto-root, run-root), configured once: every AWS API at moto_server on loopback,
# and Lambda's at lambda_endpoint where a root sends it elsewhere (run-root: a proxy that answers Invoke).
# Support/FixtureRoots.cs copies this file into each root's scratch copy.

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

variable "lambda_endpoint" {
  description = "Where Lambda API calls go; null: moto_server"
  type        = string
  default     = null
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
    cloudwatch     = var.endpoint
    ec2            = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    lambda         = coalesce(var.lambda_endpoint, var.endpoint)
    logs           = var.endpoint
    s3             = var.endpoint
    scheduler      = var.endpoint
    secretsmanager = var.endpoint
    sns            = var.endpoint
    sts            = var.endpoint
  }
}
