using RoleManager.Testing;
using System.Text.Json;

namespace RoleManager.Integration.Tests;

public class CliTests
{
    public static TheoryData<string> BadConfigs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "bad-configs"), "*.yaml").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task Each_bad_config_gives_its_own_clear_error_and_exit_1_without_connecting(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", "bad-configs", file);
        string expected = File.ReadLines(path).First().Replace("# expect: ", "");
        using var counter = new ConnectionCounter();
        var env = new Dictionary<string, string?> { ["PGHOST"] = "127.0.0.1", ["PGPORT"] = counter.Port.ToString(), ["PGUSER"] = "master", ["PGPASSWORD"] = "hunter2-master", ["PGSSLMODE"] = "disable" };

        var result = await CliRunner.RunAsync(env, "plan", "--config", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.StdErr);
        Assert.DoesNotContain("   at ", result.All); // no stack trace
        Assert.DoesNotContain("hunter2-master", result.All);
        Assert.Equal(0, counter.Accepted);
    }

    [Fact]
    public async Task Plan_with_detailed_exitcode_returns_2_then_0_after_apply()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        var before = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");
        Assert.Equal(2, before.ExitCode);
        Assert.Contains("CREATE SCHEMA \"app\"", before.StdOut);

        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password", "--output", "json");
        Assert.Equal(0, apply.ExitCode);
        using var json = JsonDocument.Parse(apply.StdOut);
        Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
        Assert.True(json.RootElement.GetProperty("statementsExecuted").GetInt32() > 0);

        var after = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("No changes", after.StdOut);
        foreach (var r in new[] { before, apply, after })
        {
            Assert.DoesNotContain(db.Server.MasterPassword, r.All);
            Assert.DoesNotContain(TestDatabase.Password(db.App), r.All);
        }
    }

    [Fact]
    public async Task Inspect_prints_the_applied_layout_as_config_yaml_that_plans_to_nothing()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        Assert.Equal(0, (await CliRunner.RunAsync(env, "apply", "--auth", "password")).ExitCode);
        var inspect = await CliRunner.RunAsync(env, "inspect", "--auth", "password");
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains($"owner: {db.Migrator}", inspect.StdOut);
        Assert.Contains("profile: readwrite", inspect.StdOut);

        string file = Path.Combine(Path.GetTempPath(), $"inspect-{db.Name}.yaml");
        // Adopt the inspected layout as a config: inspect names an environment variable per password role (issue 13);
        // the passwords are the only thing it cannot know.
        await File.WriteAllTextAsync(file, inspect.StdOut);
        env[Reporting.InspectYaml.EnvName(db.App)] = TestDatabase.Password(db.App);
        env[Reporting.InspectYaml.EnvName(db.Migrator)] = TestDatabase.Password(db.Migrator);
        var plan = await CliRunner.RunAsync(env, "plan", "--config", file, "--detailed-exitcode");
        Assert.True(plan.ExitCode == 0, plan.All + "\n---\n" + File.ReadAllText(file));
    }

    [Fact]
    public async Task An_unreachable_database_is_a_clear_error_with_exit_1()
    {
        int port = Testing.PostgresServer.FreePort();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>
        {
            ["PGHOST"] = "127.0.0.1", ["PGPORT"] = port.ToString(), ["PGUSER"] = "master", ["PGPASSWORD"] = "s3cret-master", ["PGSSLMODE"] = "disable", ["PGDATABASE"] = "app",
        }, "plan", "--auth", "none");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Cannot reach PostgreSQL at 127.0.0.1:{port}", result.StdErr);
        Assert.DoesNotContain("s3cret-master", result.All);
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public async Task A_wrong_master_password_is_a_clear_error_that_does_not_echo_it()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        env["PGPASSWORD"] = "definitely-wrong-pw";
        var result = await CliRunner.RunAsync(env, "plan", "--auth", "none");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("28P01", result.StdErr);
        Assert.DoesNotContain("definitely-wrong-pw", result.All);
    }

    [Fact]
    public async Task Help_lists_every_command_and_exits_0()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "plan", "apply", "inspect" })
            Assert.Contains(command, result.StdOut);
        var planHelp = await CliRunner.RunAsync(new Dictionary<string, string?>(), "plan", "--help");
        Assert.Contains("--detailed-exitcode", planHelp.StdOut);
    }
}
