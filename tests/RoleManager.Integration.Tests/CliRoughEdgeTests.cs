using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests;

/// <summary>The CLI as a new user meets it: every parse error a sentence, the database the config names, honest JSON.</summary>
public sealed class CliRoughEdgeTests
{
    [Fact]
    public async Task A_port_that_is_not_a_number_is_a_sentence_not_a_type_name()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "plan", "-p", "abc");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--port 'abc' is not a TCP port", result.All);
        Assert.DoesNotContain("System.", result.All);
        Assert.DoesNotContain("Nullable", result.All);
    }

    [Theory]
    [InlineData("--lock-timeout", "abc")]
    [InlineData("--statement-timeout", "-5s")]
    [InlineData("--lock-timeout", "ten seconds")]
    public async Task A_duration_that_is_not_one_is_a_sentence_saying_what_to_write(string option, string value)
    {
        using var counter = new ConnectionCounter();
        var env = new Dictionary<string, string?> { ["PGHOST"] = "127.0.0.1", ["PGPORT"] = counter.Port.ToString(), ["PGUSER"] = "m", ["PGPASSWORD"] = "x", ["PGSSLMODE"] = "disable" };
        var result = await CliRunner.RunAsync(env, "apply", option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{option} '{value.Trim()}' is not a duration: use e.g. 500ms, 10s or 5m", result.StdErr);
        Assert.Equal(0, counter.Accepted);
    }

    [Fact]
    public async Task A_lock_timeout_of_0_is_accepted_and_means_no_limit()
    {
        var db = await TestDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(CliEnvironment.Master(db), "apply", "--auth", "password", "--lock-timeout", "0", "--statement-timeout", "0");
        Assert.True(result.ExitCode == 0, result.All);
    }

    [Fact]
    public async Task Plan_is_not_a_dry_run_and_its_json_says_so()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        var plan = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--output", "json");
        Assert.True(plan.ExitCode == 0, plan.All);
        using var json = JsonDocument.Parse(plan.StdOut);
        Assert.Equal("plan", json.RootElement.GetProperty("action").GetString());
        Assert.False(json.RootElement.GetProperty("dryRun").GetBoolean());

        var dryRun = await CliRunner.RunAsync(env, "apply", "--dry-run", "--auth", "password", "--output", "json");
        using var dry = JsonDocument.Parse(dryRun.StdOut);
        Assert.Equal("apply", dry.RootElement.GetProperty("action").GetString());
        Assert.True(dry.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.False(dry.RootElement.GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task With_no_password_and_no_secret_the_message_says_so_and_does_not_blame_the_network()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        env.Remove("PGPASSWORD");
        var result = await CliRunner.RunAsync(env, "plan", "--auth", "password");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("none was given", result.StdErr);
        Assert.Contains("PGPASSWORD", result.StdErr);
        Assert.Contains("DB_PASSWORD_SECRET_ARN", result.StdErr);
        Assert.DoesNotContain("security group", result.StdErr);
    }

    [Fact]
    public async Task With_PGDATABASE_and_DB_NAME_unset_plan_connects_to_the_database_the_config_names()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        env.Remove("PGDATABASE");
        string config = Path.Combine(Path.GetTempPath(), $"rm-cfgdb-{db.Name}.yaml");
        await File.WriteAllTextAsync(config, $"""
            database: {db.Name}
            auth: none
            roles:
              - name: {db.App}
            """);

        var result = await CliRunner.RunAsync(env, "plan", "--config", config);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains($"{db.Name} on {Testing.PostgresServer.MasterUser}@127.0.0.1:{db.Server.Port}/{db.Name}", result.StdOut);
    }

    [Theory]
    [InlineData("PGDATABASE")]
    [InlineData("DB_NAME")]
    [InlineData("--dbname")]
    public async Task A_connection_database_that_differs_from_the_config_database_is_an_error_before_connecting(string source)
    {
        using var counter = new ConnectionCounter();
        var env = new Dictionary<string, string?> { ["PGHOST"] = "127.0.0.1", ["PGPORT"] = counter.Port.ToString(), ["PGUSER"] = "m", ["PGPASSWORD"] = "x", ["PGSSLMODE"] = "disable" };
        string config = Path.Combine(Path.GetTempPath(), $"rm-cfgdb-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(config, "database: appdb\nauth: none\nroles:\n  - name: reader\n");
        string[] args = ["plan", "--config", config];
        if (source == "--dbname") args = [.. args, "--dbname", "otherdb"];
        else env[source] = "otherdb";

        var result = await CliRunner.RunAsync(env, args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The layout is for database \"appdb\" but the connection names database \"otherdb\"", result.StdErr);
        Assert.Equal(0, counter.Accepted);
    }
}
