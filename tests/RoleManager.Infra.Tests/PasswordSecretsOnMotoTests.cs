using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>
/// secrets.tf applied against moto (Fixtures/moto-root with password_roles): a created, rotated secret for "reporting" and an
/// existing, unrotated one for "bi". Checks the secrets, the exact IAM grants, the invoke permission and the schedule.
/// </summary>
public sealed class PasswordSecretsOnMotoTests : IDisposable
{
    private const string Function = "role-manager-pw";
    private const string Excluded = "\"'\\/@:;`$ %{}";
    private readonly TempDirectory _temp = new("rm-infra-passwords-");

    public void Dispose() => _temp.Dispose();

    private static string[] Strings(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.Select(n => n!.ToString()).Order(StringComparer.Ordinal)],
        null => [],
        _ => [node.ToString()],
    };

    [Fact]
    public async Task The_module_creates_a_secret_per_password_role_grants_exactly_those_secrets_and_schedules_the_rotation()
    {
        _ = Tools.Terraform;
        _ = Tools.Aws;
        using var moto = MotoServer.Start(new Dictionary<string, string> { ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true" });
        var (_, _, _, outputs) = await FixtureRoots.ApplyMotoRootAsync(_temp, moto, "-var", $"function_name={Function}", "-var", "password_roles=true");
        var aws = new ReferenceAwsCli(moto, _temp.Path);

        var arns = outputs["password_secret_arns"]!["value"]!.AsObject();
        string reporting = arns["reporting"]!.ToString(), bi = arns["bi"]!.ToString();
        Assert.Equal(outputs["bi_secret_arn"]!["value"]!.ToString(), bi);

        // The created secret: named after the function and role, a JSON value with a generated password.
        var created = await aws.JsonAsync("secretsmanager", "describe-secret", "--secret-id", reporting);
        Assert.Equal($"{Function}/roles/reporting", created["Name"]!.ToString());
        var value = JsonNode.Parse((await aws.JsonAsync("secretsmanager", "get-secret-value", "--secret-id", reporting))["SecretString"]!.ToString())!;
        Assert.Equal("reporting", value["username"]!.ToString());
        var password = value["password"]!.ToString();
        Assert.Equal(32, password.Length);
        Assert.DoesNotContain(password, c => Excluded.Contains(c));

        // Rotation: only the reporting secret, by this function, every 30 days.
        var functionArn = outputs["function_arn"]!["value"]!.ToString();
        Assert.True(created["RotationEnabled"]!.GetValue<bool>());
        Assert.Equal(functionArn, created["RotationLambdaARN"]!.ToString());
        Assert.Equal(30, created["RotationRules"]!["AutomaticallyAfterDays"]!.GetValue<int>());
        Assert.Single(created["VersionIdsToStages"]!.AsObject(), v => Strings(v.Value).Contains("AWSCURRENT"));
        var existing = await aws.JsonAsync("secretsmanager", "describe-secret", "--secret-id", bi);
        Assert.False(existing["RotationEnabled"]?.GetValue<bool>() ?? false);

        // IAM: read both secrets, write only the rotated one, GetRandomPassword (which takes no resource), the key via Secrets Manager.
        var policy = ModuleOnMotoFixture.PolicyDocument((await aws.JsonAsync("iam", "get-role-policy", "--role-name", outputs["role_name"]!["value"]!.ToString(),
            "--policy-name", $"{Function}-role-passwords"))["PolicyDocument"]!);
        var statements = policy["Statement"]!.AsArray().ToDictionary(s => s!["Sid"]!.ToString(), s => s!);
        Assert.Equal(["GenerateRotatedPasswords", "ReadRolePasswordSecrets", "RotateRolePasswordSecrets", "UseRolePasswordSecretsKey"], statements.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], Strings(statements["ReadRolePasswordSecrets"]["Action"]));
        Assert.Equal(new[] { bi, reporting }.Order(StringComparer.Ordinal), Strings(statements["ReadRolePasswordSecrets"]["Resource"]));
        Assert.Equal(["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"], Strings(statements["RotateRolePasswordSecrets"]["Action"]));
        Assert.Equal([reporting], Strings(statements["RotateRolePasswordSecrets"]["Resource"]));
        Assert.Equal(["secretsmanager:GetRandomPassword"], Strings(statements["GenerateRotatedPasswords"]["Action"]));
        Assert.Equal(["*"], Strings(statements["GenerateRotatedPasswords"]["Resource"]));
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], Strings(statements["UseRolePasswordSecretsKey"]["Action"]));
        Assert.Equal("secretsmanager.us-east-1.amazonaws.com", statements["UseRolePasswordSecretsKey"]["Condition"]!["StringEquals"]!["kms:ViaService"]!.ToString());

        // Secrets Manager may invoke the function, for the rotated secret only.
        var resourcePolicy = JsonNode.Parse((await aws.JsonAsync("lambda", "get-policy", "--function-name", Function))["Policy"]!.ToString())!;
        var invoke = Assert.Single(resourcePolicy["Statement"]!.AsArray(), s => s!["Principal"]!["Service"]?.ToString() == "secretsmanager.amazonaws.com")!;
        Assert.Equal("lambda:InvokeFunction", invoke["Action"]!.ToString());
        Assert.Equal(reporting, invoke["Condition"]!["ArnLike"]!["AWS:SourceArn"]!.ToString());
    }
}
