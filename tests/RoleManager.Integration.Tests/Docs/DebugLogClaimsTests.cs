namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README, "Progress": "`ROLE_MANAGER_DEBUG=1` shows every step of `plan`, `apply`, `check` and `inspect` (each
/// connection, transaction and statement) and `report` (its login, transaction and each catalog query)", while standard output stays the report. Read on
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
    public async Task Role_manager_debug_shows_the_reports_login_transaction_and_each_query_on_stderr_and_no_secret()
    {
        var db = await TestDatabase.CreateAsync();
        var quiet = CliEnvironment.Master(db);
        var debug = new Dictionary<string, string?>(quiet) { ["ROLE_MANAGER_DEBUG"] = "1" };

        var report = await CliRunner.RunAsync(debug, "report", "--auth", "password", "--format", "json");

        Assert.True(report.ExitCode == 0, report.All);
        Assert.Contains("open ", report.StdErr);            // the login
        // One transaction, in the snapshot mode (REPEATABLE READ, READ ONLY): docs/report.md's "one read-only transaction".
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(report.StdErr, "begin "));
        Assert.Contains("begin Snapshot", report.StdErr);
        Assert.Contains("query 1/7 1_database", report.StdErr); // each catalog query of the one batch
        Assert.Contains("query 7/7 7_default_acls", report.StdErr);
        Assert.Contains("rollback", report.StdErr);         // a report changes nothing
        Assert.DoesNotContain("begin ", report.StdOut);    // stdout stays the report
        Assert.StartsWith("{", report.StdOut.TrimStart(), StringComparison.Ordinal);
        Assert.DoesNotContain(db.Server.MasterPassword, report.StdErr);

        // Without the variable, none of these steps is printed.
        var plain = await CliRunner.RunAsync(quiet, "report", "--auth", "password", "--format", "json");
        Assert.True(plain.ExitCode == 0, plain.All);
        Assert.Equal("", plain.StdErr);
    }
}
