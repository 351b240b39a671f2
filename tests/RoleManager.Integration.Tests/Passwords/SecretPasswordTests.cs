using System.Text.Json;
using RoleManager.Execute;
using RoleManager.Planning;
using RoleManager.Reporting;
using RoleManager.UseCases;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Passwords;

public sealed class SecretPasswordTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string First = "first-Pw-7hq2LmZx";
    private const string Second = "second-Pw-K8vR3nQw";
    private const string Third = "third-Pw-Zt5bY1cD";

    [Fact]
    public async Task A_role_follows_its_secret_through_two_new_values_and_a_converged_run_reads_no_value()
    {
        var role = await SecretRole.CreateAsync(moto, $$"""{"username":"reporting","password":"{{First}}"}""");
        var output = new List<string>();
        async Task<RunResult> ApplyAsync() => Record(await role.Db.Engine().ApplyAsync(await role.ResolveAsync(), ExecutionOptions.Default, false, CancellationToken.None));
        async Task<RunResult> PlanAsync() => Record(await role.Db.Engine().PlanAsync(await role.ResolveAsync(), CancellationToken.None));
        RunResult Record(RunResult run)
        {
            output.Add(JsonSerializer.Serialize(RunSummary.From(new RunReport(RunAction.Apply, run.DryRun, "target", role.Desired, run.Before, run.Plan,
                run.StatementsExecuted, run.Committed, Check: null, run.Elapsed)), ReportJson.Default.RunSummary));
            output.AddRange(run.Plan.Changes.Select(c => c.Description + " | " + c.Sql));
            return run;
        }

        var created = await ApplyAsync();
        Assert.Contains(created.Plan.Changes, c => c.Kind == ChangeKind.CreateRole && c.Sql.EndsWith("PASSWORD '********'"));
        Assert.Null(await role.LoginAsync(First));
        Assert.Equal(1, role.Client.Calls.GetSecretValue);

        var converged = await PlanAsync();
        Assert.True(converged.Plan.IsEmpty, string.Join("\n", converged.Plan.Changes.Select(c => c.Description)));
        Assert.Equal(1, role.Client.Calls.GetSecretValue); // a converged run reads the version id only (DescribeSecret)

        await role.PutValueAsync($$"""{"username":"reporting","password":"{{Second}}"}""");
        var second = await PlanAsync();
        var set = Assert.Single(second.Plan.Changes, c => c.Kind == ChangeKind.SetPassword && c.Sql.StartsWith("ALTER ROLE"));
        Assert.Equal($"set password of role {role.Role} from secret {role.SecretArn} (secret {role.SecretArn} has a new version)", set.Description);
        Assert.Equal($"ALTER ROLE \"{role.Role}\" PASSWORD '********'", set.Sql);
        await ApplyAsync();
        Assert.Null(await role.LoginAsync(Second));
        Assert.Equal("28P01", await role.LoginAsync(First));
        Assert.True((await PlanAsync()).Plan.IsEmpty);

        await role.PutValueAsync(Third); // a plain-string secret
        await ApplyAsync();
        Assert.Null(await role.LoginAsync(Third));
        Assert.Equal("28P01", await role.LoginAsync(Second));
        Assert.True((await PlanAsync()).Plan.IsEmpty);

        // First apply, second plan, second apply, third apply: one GetSecretValue each; the four converged plans none.
        Assert.Equal(4, role.Client.Calls.GetSecretValue);
        foreach (var text in output)
            foreach (var password in new[] { First, Second, Third })
                Assert.DoesNotContain(password, text);
    }

    [Fact]
    public async Task The_recorded_marker_is_the_version_id_and_nothing_derived_from_the_password()
    {
        var role = await SecretRole.CreateAsync(moto, First);
        await role.Db.Engine().ApplyAsync(await role.ResolveAsync(), ExecutionOptions.Default, false, CancellationToken.None);

        var current = (await role.Client.DescribeSecretAsync(role.SecretArn, CancellationToken.None)).VersionWith("AWSCURRENT");
        await using var master = await role.Db.MasterAsync();
        var comment = await TestDatabase.Scalar<string>(master, $"SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = '{role.Role}'");
        Assert.Equal("role-manager password-version: " + current, comment);
    }

    [Fact]
    public async Task A_role_created_before_with_another_password_is_set_from_its_secret_once()
    {
        var role = await SecretRole.CreateAsync(moto, First);
        await using (var master = await role.Db.MasterAsync())
            await TestDatabase.Exec(master, $"CREATE ROLE \"{role.Role}\" LOGIN PASSWORD 'old-password-1'");

        var plan = await role.Db.Engine().PlanAsync(await role.ResolveAsync(), CancellationToken.None);
        Assert.Contains(plan.Plan.Changes, c => c.Kind == ChangeKind.SetPassword && c.Description.Contains("no secret version is recorded on the role yet"));
        await role.Db.Engine().ApplyAsync(await role.ResolveAsync(), ExecutionOptions.Default, false, CancellationToken.None);

        Assert.Null(await role.LoginAsync(First));
        Assert.True((await role.Db.Engine().PlanAsync(await role.ResolveAsync(), CancellationToken.None)).Plan.IsEmpty);
    }

    [Fact]
    public async Task The_cli_plans_applies_and_converges_a_secret_role_and_prints_no_password()
    {
        var role = await SecretRole.CreateAsync(moto, $$"""{"password":"{{First}}"}""");
        string config = Path.Combine(Path.GetTempPath(), role.Db.Prefix + "-reporting.yaml");
        await File.WriteAllTextAsync(config, role.ConfigYaml);
        var env = role.CliEnvironment();

        var results = new List<CliRunner.Result>
        {
            await CliRunner.RunAsync(env, "apply", "--config", config),
        };
        Assert.True(results[^1].ExitCode == 0, results[^1].All);
        await role.PutValueAsync($$"""{"password":"{{Second}}"}""");
        results.Add(await CliRunner.RunAsync(env, "plan", "--config", config, "--detailed-exitcode"));
        Assert.Equal(2, results[^1].ExitCode);
        Assert.Contains($"set password of role {role.Role} from secret", results[^1].StdOut);
        Assert.Contains("PASSWORD '********'", results[^1].StdOut);
        results.Add(await CliRunner.RunAsync(env, "apply", "--config", config, "--output", "json"));
        Assert.True(results[^1].ExitCode == 0, results[^1].All);
        Assert.Null(await role.LoginAsync(Second));
        results.Add(await CliRunner.RunAsync(env, "plan", "--config", config, "--detailed-exitcode"));
        Assert.Equal(0, results[^1].ExitCode);
        results.Add(await CliRunner.RunAsync(env, "check", "--config", config));
        Assert.True(results[^1].ExitCode == 0, results[^1].All);

        foreach (var result in results)
            foreach (var password in new[] { First, Second, role.Db.Server.MasterPassword })
                Assert.DoesNotContain(password, result.All);
    }
}
