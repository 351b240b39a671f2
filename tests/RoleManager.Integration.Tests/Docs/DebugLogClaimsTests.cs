namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README, "Progress": "`ROLE_MANAGER_DEBUG=1` shows every step of every command (each login, transaction and
/// statement)", while standard output stays the report. Read on stderr with it set, and without it.
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

        // Without the variable (and stderr not a terminal) none of these steps is printed.
        var plain = await CliRunner.RunAsync(quiet, "plan", "--auth", "password");
        Assert.True(plain.ExitCode == 0, plain.All);
        Assert.DoesNotContain("begin ", plain.StdErr);
        Assert.DoesNotContain("open ", plain.StdErr);
    }
}
