using RoleManager.Testing;

namespace RoleManager.Infra.Tests.Support;

/// <summary>The example root module copied to a scratch folder, its provider pointed at moto, initialised offline.</summary>
public static class ExampleOnMoto
{
    /// <param name="lambdaEndpoint">Where Lambda calls go: moto itself, or a <see cref="LambdaInvokeProxy"/> in front of it.</param>
    public static async Task<(Terraform Terraform, string Directory)> PrepareAsync(TempDirectory temp, MotoServer moto, string lambdaEndpoint, string region)
    {
        _ = Tools.Terraform;
        var endpoint = moto.Endpoint.ToString().TrimEnd('/');
        await moto.ConfigureAsync("""{"lambda": {"use_docker": false}}""");
        Repo.CopyTree(Repo.Infra, temp.Combine("infra"));
        var example = temp.Combine("infra", "examples", "aurora-postgresql");
        await File.WriteAllTextAsync(Path.Combine(example, "moto_override.tf"), $$"""
            provider "aws" {
              region                      = "{{region}}"
              access_key                  = "testing"
              secret_key                  = "testing"
              skip_credentials_validation = true
              skip_requesting_account_id  = true
              skip_metadata_api_check     = true
              s3_use_path_style           = true

              endpoints {
                cloudwatch     = "{{endpoint}}"
                ec2            = "{{endpoint}}"
                iam            = "{{endpoint}}"
                kms            = "{{endpoint}}"
                lambda         = "{{lambdaEndpoint}}"
                logs           = "{{endpoint}}"
                rds            = "{{endpoint}}"
                s3             = "{{endpoint}}"
                scheduler      = "{{endpoint}}"
                secretsmanager = "{{endpoint}}"
                sns            = "{{endpoint}}"
                sts            = "{{endpoint}}"
              }
            }

            # moto keeps the Data API off on a provisioned (Serverless v2) cluster, so the provider would wait for
            # ever for it to come on; moto's Data API answers create-databases.sh all the same.
            resource "aws_rds_cluster" "this" {
              enable_http_endpoint = false
            }
            """);
        // databases.tf's script calls the Data API with the aws CLI, which terraform runs with its own environment.
        var tf = new Terraform(example, temp.Path, new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_RDS_DATA"] = endpoint,
            ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey,
            ["AWS_CONFIG_FILE"] = temp.Combine("aws-config-none"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = temp.Combine("aws-credentials-none"),
        });
        await tf.InitAsync();
        return (tf, example);
    }
}
