using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Aws.Tests.Support;

/// <summary>One plain moto server and one that checks IAM, shared by every test class that needs them.</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>, ICollectionFixture<AuthenticatingMoto>
{
    public const string Name = "moto";
}

/// <summary>
/// moto with IAM enforced (<c>INITIAL_NO_AUTH_ACTION_COUNT</c>): it verifies SigV4 signatures and
/// policies. The first unauthenticated calls create a user who may read secrets, one who may not, and a secret.
/// </summary>
public sealed class AuthenticatingMoto : IDisposable
{
    public const string Region = "us-east-1";
    public const string SecretName = "authenticated/master";
    public const string SecretValue = "{\"username\":\"postgres\",\"password\":\"authenticated-pw\"}";
    private const int SetupCalls = 6;

    public AuthenticatingMoto()
    {
        Server = MotoServer.Start(new Dictionary<string, string> { ["INITIAL_NO_AUTH_ACTION_COUNT"] = SetupCalls.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        try
        {
            Reader = CreateUser("reader", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"secretsmanager:*\",\"Resource\":\"*\"}]}");
            NoPolicy = CreateUser("nobody", null);
            AwsCli.CreateSecretAsync(Server, Region, SecretName, SecretValue).GetAwaiter().GetResult();
        }
        catch
        {
            Server.Dispose();
            throw;
        }
    }

    public MotoServer Server { get; }

    /// <summary>Access key id and secret key of a user allowed secretsmanager:*.</summary>
    public (string AccessKeyId, string SecretAccessKey) Reader { get; }

    /// <summary>Access key id and secret key of a user with no policy at all.</summary>
    public (string AccessKeyId, string SecretAccessKey) NoPolicy { get; }

    public void Dispose() => Server.Dispose();

    private (string, string) CreateUser(string name, string? policy)
    {
        AwsCli.RunAsync(Server, Region, null, "iam", "create-user", "--user-name", name).GetAwaiter().GetResult();
        var json = AwsCli.RunAsync(Server, Region, null, "iam", "create-access-key", "--user-name", name).GetAwaiter().GetResult();
        if (policy is not null)
            AwsCli.RunAsync(Server, Region, null, "iam", "put-user-policy", "--user-name", name, "--policy-name", "secrets", "--policy-document", policy).GetAwaiter().GetResult();
        using var document = JsonDocument.Parse(json);
        var key = document.RootElement.GetProperty("AccessKey");
        return (key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
    }
}
