namespace RoleManager.Integration.Tests;

/// <summary>
/// A paused Aurora Serverless v2 cluster resumes on the first connection attempt, "usually around 15 seconds": the
/// attempts that arrive meanwhile wait. A loopback proxy in front of the test server plays it: connections that arrive
/// in the first <c>hold</c> seconds are held, then forwarded.
/// </summary>
public sealed class ResumingClusterTests
{
    [Fact]
    public async Task A_cluster_that_holds_connections_for_20_seconds_is_waited_for_and_the_run_says_it_may_be_resuming()
    {
        var db = await TestDatabase.CreateAsync();
        using var proxy = new HoldingProxy(db.Server.Port, TimeSpan.FromSeconds(20));

        await PlanIsWaitedForThroughAsync(db, proxy, attempts: 2);
    }

    /// <summary>A plan through <paramref name="proxy"/> succeeds after at least <paramref name="attempts"/> connections and says the cluster may be resuming.</summary>
    internal static async Task PlanIsWaitedForThroughAsync(TestDatabase db, HoldingProxy proxy, int attempts)
    {
        var env = CliEnvironment.Master(db);
        env["PGPORT"] = proxy.Port.ToString();

        var run = await CliRunner.RunAsync(env, ["plan", "--auth", "none"], TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("Plan for", run.StdOut);
        Assert.Contains("may be paused and resuming", run.StdErr);
        Assert.True(proxy.Connections >= attempts, $"{proxy.Connections} connections");
        Assert.DoesNotContain(db.Server.MasterPassword, run.All);
    }

    [Fact]
    public async Task A_refused_password_is_never_tried_again()
    {
        var db = await TestDatabase.CreateAsync();
        using var proxy = new HoldingProxy(db.Server.Port, TimeSpan.Zero);
        var env = CliEnvironment.Master(db);
        env["PGPORT"] = proxy.Port.ToString();
        env["PGPASSWORD"] = "not-the-master-password";

        var run = await CliRunner.RunAsync(env, "plan", "--auth", "none");

        Assert.True(run.ExitCode == 1, run.All);
        Assert.Contains("28P01", run.StdErr);
        Assert.DoesNotContain("resuming", run.StdErr);
        Assert.Equal(1, proxy.Connections);
    }
}
