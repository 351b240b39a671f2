using Amazon.Runtime;
using Npgsql;
using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Passwords;

/// <summary>A test database, a moto secret and a role "reporting" that takes its password from it.</summary>
public sealed class SecretRole
{
    public const string Region = "eu-central-1";

    private SecretRole(TestDatabase db, MotoServer moto, string secretName, string secretArn)
    {
        Db = db;
        Moto = moto;
        SecretName = secretName;
        SecretArn = secretArn;
        Client = new SecretsManagerClient(new HttpClient { Timeout = TimeSpan.FromSeconds(10) },
            new ImmutableCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey, MotoServer.SessionToken), Region, moto.Endpoint);
    }

    public TestDatabase Db { get; }
    public MotoServer Moto { get; }
    public string SecretName { get; }
    public string SecretArn { get; }
    public SecretsManagerClient Client { get; }
    public string Role => Db.Prefix + "_reporting";

    public static async Task<SecretRole> CreateAsync(MotoServer moto, string firstValue)
    {
        var db = await TestDatabase.CreateAsync();
        string name = "rm-test/" + db.Prefix + "/reporting";
        string arn = (await AwsCli.RunAsync(moto, Region, null, "secretsmanager", "create-secret", "--name", name,
            "--secret-string", firstValue, "--query", "ARN", "--output", "text")).Trim();
        return new SecretRole(db, moto, name, arn);
    }

    public string ConfigYaml => $"""
        database: {Db.Name}
        roles:
          - name: {Role}
            auth: password
            password_secret: {SecretArn}
            database_privileges: [connect]
        """;

    public DesiredState Desired => ConfigLoader.Load(ConfigYaml, "reporting.yaml", _ => null, new ConfigDefaults());

    public Task<DesiredState> ResolveAsync(bool forLogins = false) =>
        RolePasswords.ResolveAsync(Desired, new Connect.NpgsqlConnectionFactory(Db.MasterSettings), _ => null, forLogins, null, CancellationToken.None, Client);

    public Task PutValueAsync(string value) =>
        AwsCli.RunAsync(Moto, Region, null, "secretsmanager", "put-secret-value", "--secret-id", SecretName, "--secret-string", value);

    /// <summary>Null when the login works, else its SQLSTATE.</summary>
    public async Task<string?> LoginAsync(string password)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Db.Server.ConnectionString(Db.Name, Role, password));
            await connection.OpenAsync();
            return null;
        }
        catch (PostgresException ex)
        {
            return ex.SqlState;
        }
    }

    /// <summary>The CLI's environment: the master's libpq variables and moto's AWS variables.</summary>
    public Dictionary<string, string?> CliEnvironment()
    {
        var env = Testing.CliEnvironment.Master(Db);
        foreach (var (k, v) in Moto.AwsVariables(Region)) env[k] = v;
        return env;
    }
}
