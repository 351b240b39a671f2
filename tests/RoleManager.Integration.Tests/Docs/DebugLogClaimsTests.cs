namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README, "Progress": "`ROLE_MANAGER_DEBUG=1` shows every step of `plan`, `apply`, `check` and `inspect` (each
/// connection, transaction and statement; `report` logs none yet)", while standard output stays the report. Read on
/// stderr with it set, and without it.
/// </summary>
public sealed class DebugLogClaimsTests
{
    [Fact]
    public async Task Role_manager_debug_shows_each_login_transaction_and_statement_of_plan_and_apply_and_leaves_stdout_the_report()
    {
        var db = await TestDatabase.CreateAsync();
        var quiet = CliEnvironment.Master(db);
        var debug = new Dictionary<string, string?>(quiet) { ["ROLE_MANAGER_DEBUG"] = "1" };

        var plan = await CliRunner.RunAsync(debug, "plan", "--auth", "password");
        Assert.True(plan.ExitCode == 0, plan.All);
        Assert.Contains("open ", plan.StdErr);   // the login
        Assert.Contains("begin ", plan.StdErr);  // its transaction
        Assert.Contains("rollback", plan.StdErr); // a plan changes nothing
        Assert.DoesNotContain("begin ", plan.StdOut);
        Assert.Contains("CREATE SCHEMA \"app\"", plan.StdOut);

        var apply = await CliRunner.RunAsync(debug, "apply", "--auth", "password");
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Contains("advisory lock", apply.StdErr);
        Assert.Contains("execute 1/", apply.StdErr); // each statement, with its SQL
        Assert.Contains("commit", apply.StdErr);
        Assert.DoesNotContain("execute 1/", apply.StdOut);

        foreach (string command in new[] { "check", "inspect" })
        {
            var run = await CliRunner.RunAsync(debug, command, "--auth", "password");
            Assert.True(run.ExitCode == 0, run.All);
            Assert.True(run.StdErr.Contains("open ", StringComparison.Ordinal) && run.StdErr.Contains("begin ", StringComparison.Ordinal), $"{command}: {run.StdErr}");
        }

        // Without the variable (and stderr not a terminal) none of these steps is printed.
        var plain = await CliRunner.RunAsync(quiet, "plan", "--auth", "password");
        Assert.True(plain.ExitCode == 0, plain.All);
        Assert.DoesNotContain("begin ", plain.StdErr);
        Assert.DoesNotContain("open ", plain.StdErr);
    }

    [Fact]
    public async Task The_report_logs_no_step_even_with_role_manager_debug_as_the_readme_says()
    {
        // Pins the README's "`report` logs none yet": when the report logs its steps, this fails and the README's
        // sentence (and this test) must say so.
        var db = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string?>(CliEnvironment.Master(db)) { ["ROLE_MANAGER_DEBUG"] = "1" };

        var report = await CliRunner.RunAsync(env, "report", "--auth", "password", "--format", "json");

        Assert.True(report.ExitCode == 0, report.All);
        Assert.Equal("", report.StdErr);
    }
}
