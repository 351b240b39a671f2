using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Runtime;
using RoleManager.Testing;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// The two hosts over the one use case: the same plan gives the same JSON summary from the CLI and the
/// function, and the master login resolves with one precedence (an explicit flag wins over PGUSER,
/// DB_USER and the secret's username).
/// </summary>
public sealed class HostParityTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private async Task<string> MasterSecretAsync(string username, string password)
    {
        string json = JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = username, ["password"] = password });
        string output = await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "secretsmanager", "create-secret", "--name", "rds!" + Guid.NewGuid().ToString("N")[..10], "--secret-string", json);
        return JsonDocument.Parse(output).RootElement.GetProperty("ARN").GetString()!;
    }

    private static string Config(string database, string prefix) => $$"""
        {"database": "{{database}}", "schemas": [{"name": "app", "owner": "{{prefix}}_migrator"}],
         "roles": [{"name": "{{prefix}}_migrator", "auth": "none"}, {"name": "{{prefix}}_app", "auth": "none", "grants": [{"schema": "app", "profile": "readwrite"}]}]}
        """;

    [Fact]
    public async Task The_CLI_and_the_function_give_the_same_JSON_summary_for_the_same_plan()
    {
        var server = await PostgresServer.Shared;
        string db = await server.CreateDatabaseAsync("parity");
        string prefix = "h" + Guid.NewGuid().ToString("N")[..8];
        string arn = await MasterSecretAsync(PostgresServer.MasterUser, server.MasterPassword);
        var env = new Dictionary<string, string?>(moto.AwsVariables().Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)))
        {
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = server.Port.ToString(), ["DB_PASSWORD_SECRET_ARN"] = arn, ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true",
        };
        string config = Path.Combine(Path.GetTempPath(), $"rm-parity-{db}.json");
        await File.WriteAllTextAsync(config, Config(db, prefix));

        var cli = await CliRunner.RunAsync(env, "plan", "--config", config, "--output", "json");
        Assert.True(cli.ExitCode == 0, cli.All);

        using var logs = new TestLogs();
        env["ROLE_MANAGER_CONFIG"] = Config(db, prefix);
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), env.GetValueOrDefault);
        var result = await function.HandleAsync(new Invocation("r1", DateTimeOffset.UtcNow.AddMinutes(5), null, null, Encoding.UTF8.GetBytes("""{"action":"plan"}""")), CancellationToken.None);

        var fromCli = WithoutElapsed(cli.StdOut);
        var fromFunction = WithoutElapsed(Encoding.UTF8.GetString(result.Span));
        Assert.True(JsonNode.DeepEquals(fromCli, fromFunction), $"CLI:\n{fromCli}\nfunction:\n{fromFunction}");
        Assert.True(fromCli["changes"]!.AsArray().Count > 0);
        Assert.False(fromCli["dryRun"]!.GetValue<bool>());
        Assert.DoesNotContain(server.MasterPassword, cli.All + logs.Text);
    }

    [Fact]
    public async Task An_explicit_username_wins_over_PGUSER_DB_USER_and_the_secret_username()
    {
        var server = await PostgresServer.Shared;
        string db = await server.CreateDatabaseAsync("user");
        // The secret holds the master's password under another name, as after a rename; PGUSER and DB_USER name others still.
        string arn = await MasterSecretAsync("someone_in_secret", server.MasterPassword);
        var env = new Dictionary<string, string?>(moto.AwsVariables().Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)))
        {
            ["PGHOST"] = "127.0.0.1", ["PGPORT"] = server.Port.ToString(), ["PGDATABASE"] = db, ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true",
            ["PGUSER"] = "someone_in_pguser", ["DB_USER"] = "someone_in_db_user", ["DB_PASSWORD_SECRET_ARN"] = arn,
        };

        var run = await CliRunner.RunAsync(env, "plan", "--auth", "none", "--username", PostgresServer.MasterUser);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains($"{PostgresServer.MasterUser}@127.0.0.1:{server.Port}/{db}", run.StdOut);
        Assert.DoesNotContain(server.MasterPassword, run.All);
    }

    [Fact]
    public async Task Without_any_username_the_CLI_logs_in_as_the_user_the_master_secret_names()
    {
        var server = await PostgresServer.Shared;
        string db = await server.CreateDatabaseAsync("user");
        string arn = await MasterSecretAsync(PostgresServer.MasterUser, server.MasterPassword);
        var env = new Dictionary<string, string?>(moto.AwsVariables().Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)))
        {
            ["PGHOST"] = "127.0.0.1", ["PGPORT"] = server.Port.ToString(), ["PGDATABASE"] = db, ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true", ["DB_PASSWORD_SECRET_ARN"] = arn,
        };

        var run = await CliRunner.RunAsync(env, "plan", "--auth", "none");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains($"{PostgresServer.MasterUser}@127.0.0.1", run.StdOut);
    }

    private static JsonNode WithoutElapsed(string json)
    {
        var node = JsonNode.Parse(json)!;
        node.AsObject().Remove("elapsedSeconds");
        return node;
    }
}
