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
                ec2            = "{{endpoint}}"
                iam            = "{{endpoint}}"
                kms            = "{{endpoint}}"
                lambda         = "{{lambdaEndpoint}}"
                logs           = "{{endpoint}}"
                rds            = "{{endpoint}}"
                secretsmanager = "{{endpoint}}"
                sts            = "{{endpoint}}"
              }
            }
            """);
        var tf = new Terraform(example, temp.Path);
        await tf.InitAsync();
        return (tf, example);
    }
}
