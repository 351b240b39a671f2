# Test root module: the role-manager module with its run on apply, against moto_server on loopback,
# with Lambda calls sent to lambda_endpoint (a proxy that answers Invoke itself and forwards the rest).
# The network is ../moto-network's; the test copies infra/ and moto-network/ next to this folder, and the
# provider (../moto-provider.tf, lambda_endpoint set) into it.

variable "lambda_zip_path" {
  type = string
}

variable "layout_file" {
  type    = string
  default = null
}

variable "run_on_apply" {
  type    = bool
  default = true
}

variable "run_check" {
  type    = bool
  default = false
}

module "network" {
  source = "../moto-network"

  name               = "run-test"
  cidr_block         = "10.43.0.0/16"
  availability_zones = ["us-east-1a"]
}

module "role_manager" {
  source = "../infra/modules/role-manager"

  function_name   = "role-manager-run-test"
  lambda_zip_path = var.lambda_zip_path

  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.subnet_ids
  database_security_group_id = module.network.database_security_group_id

  db_host                = "test-cluster.cluster-abc.us-east-1.rds.amazonaws.com"
  db_name                = "app"
  db_master_username     = "postgres"
  db_password_secret_arn = module.network.master_secret_arn
  db_resource_id         = "cluster-RUNTEST"

  layout_file  = var.layout_file
  run_on_apply = var.run_on_apply
  run_check    = var.run_check
}

output "run_changes" {
  value = module.role_manager.run_changes
}

output "run_summary" {
  value = module.role_manager.run_summary
}
