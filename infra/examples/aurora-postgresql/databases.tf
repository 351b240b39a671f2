###############################################################################
# The cluster's other databases. Aurora creates one (database_name); the role
# manager manages roles and grants in databases that exist. Each of
# extra_databases is created here through the RDS Data API (no host in the VPC
# needed), once the writer is up and before the role manager runs; an existing
# one is left as it is, and destroy drops none (the cluster goes with them).
###############################################################################

resource "terraform_data" "extra_databases" {
  input = var.extra_databases

  triggers_replace = [var.extra_databases, aws_rds_cluster.this.arn]

  provisioner "local-exec" {
    command = length(var.extra_databases) == 0 ? "true" : "${path.module}/create-databases.sh"
    environment = {
      CLUSTER_ARN = aws_rds_cluster.this.arn
      SECRET_ARN  = aws_rds_cluster.this.master_user_secret[0].secret_arn
      DATABASE    = aws_rds_cluster.this.database_name
      DATABASES   = join(" ", var.extra_databases)
      AWS_REGION  = var.region
    }
  }

  depends_on = [aws_rds_cluster_instance.writer]
}
