using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>A first plan before the Lambda zip is built: the module says what to run, not Terraform's raw file error.</summary>
public sealed class MissingZipTests : IDisposable
{
    private readonly TempDirectory _temp = new("rm-infra-zip-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_missing_zip_fails_with_run_bin_build_lambda_zip_and_not_filebase64sha256()
    {
        Repo.CopyTree(Repo.Infra, _temp.Combine("infra"));
        string root = _temp.Combine("root");
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, "main.tf"), """
            module "role_manager" {
              source                     = "../infra/modules/role-manager"
              lambda_zip_path            = "artifacts/lambda/role-manager-lambda-x86_64.zip"
              vpc_id                     = "vpc-1"
              subnet_ids                 = ["subnet-1"]
              database_security_group_id = "sg-1"
              db_host                    = "db.internal"
              db_name                    = "app"
              db_master_username         = "master"
              db_password_secret_arn     = "arn:aws:secretsmanager:us-east-1:123456789012:secret:master"
              db_resource_id             = "db-ABCDEFGHIJKLMNOP"
            }
            """);
        var tf = new Terraform(root, _temp.Path);
        await tf.InitAsync(backend: false);

        var validate = await tf.RunAsync("validate", "-no-color");

        Assert.NotEqual(0, validate.ExitCode);
        string said = validate.ToString().Replace("\n", " ");
        Assert.Contains("run bin/build-lambda-zip", said);
        Assert.DoesNotContain("filebase64sha256", said);
        Assert.DoesNotContain("no such file", said);
    }
}
