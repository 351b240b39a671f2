#!/bin/sh
# Creates each database of $DATABASES (space-separated names) on the Aurora cluster $CLUSTER_ARN through the RDS
# Data API, signed in as the master user ($SECRET_ARN, the secret RDS manages) and connected to $DATABASE; a
# database that exists already is left alone. Run by databases.tf; needs the aws CLI with the caller's credentials
# (rds-data:ExecuteStatement on the cluster, secretsmanager:GetSecretValue and kms:Decrypt on the master secret).
set -eu

for name in $DATABASES; do
  # The names are checked by the extra_databases variable (lower-case letters, digits and _), so quoting is safe.
  found=$(aws rds-data execute-statement --region "$AWS_REGION" --resource-arn "$CLUSTER_ARN" --secret-arn "$SECRET_ARN" \
    --database "$DATABASE" --sql "SELECT count(*) FROM pg_database WHERE datname = '$name'" --output json)
  case "$found" in
    *'"longValue": 1'*) echo "database $name exists" ;;
    *)
      aws rds-data execute-statement --region "$AWS_REGION" --resource-arn "$CLUSTER_ARN" --secret-arn "$SECRET_ARN" \
        --database "$DATABASE" --sql "CREATE DATABASE \"$name\"" --output json > /dev/null
      echo "database $name created"
      ;;
  esac
done
