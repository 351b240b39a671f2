using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Testing;
using Xunit.Abstractions;

namespace RoleManager.Reliability.Tests;

/// <summary>
/// An apply is all or nothing: its session is terminated before each statement in turn, and separately its
/// server is stopped mid-apply. Every time the catalog equals its snapshot from before the apply, the error
/// says nothing was changed, and the next run converges.
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    /// <summary>The plan must be at least this long for the fault sweep to mean something.</summary>
    public const int MinimumStatements = 15;

    [Fact]
    public async Task Terminating_the_session_before_any_statement_leaves_the_catalog_as_it_was_and_the_next_run_converges()
    {
        var db = await TestDatabase.CreateAsync();
        await db.SeedExistingObjectsAsync();
        string before = await db.SnapshotAsync();
        var planned = await db.PlanAsync(db.RichLayout());
        int statements = planned.Plan.Changes.Length;
        output.WriteLine($"plan: {statements} statements");
        Assert.True(statements >= MinimumStatements, $"the plan has only {statements} statements:\n{string.Join("\n", planned.Plan.Changes.Select(c => c.Sql))}");

        int injected = 0;
        for (int index = 0; index < statements; index++)
        {
            int target = index;
            var executor = new PlanExecutor
            {
                BeforeStatement = async (i, _, _) =>
                {
                    if (i == target && await db.TerminateMasterSessionsAsync() == 1) Interlocked.Increment(ref injected);
                },
            };
            var error = await Assert.ThrowsAnyAsync<RoleManagerException>(() => db.ApplyAsync(db.RichLayout(), executor));
            Assert.True(error is ApplyException or ConnectionException, $"statement {index}: {error.GetType().Name}: {error.Message}");
            Assert.Contains("nothing was changed", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(db.Server.MasterPassword, error.Message);
            Assert.DoesNotContain(db.AppPassword, error.Message);
            string after = await db.SnapshotAsync();
            Assert.True(before == after, $"terminated before statement {index} ({planned.Plan.Changes[index].Description}): the catalog changed:\n{Diff(before, after)}");
        }
        Assert.Equal(statements, injected);
        output.WriteLine($"faults injected: {injected}");

        var converged = await db.ApplyAsync(db.RichLayout());
        Assert.True(converged.Committed);
        Assert.Equal(statements, converged.StatementsExecuted);
        Assert.True((await db.PlanAsync(db.RichLayout())).Plan.IsEmpty);
    }

    [Fact]
    public async Task Stopping_the_server_mid_apply_changes_nothing_and_the_run_after_the_restart_converges()
    {
        await using var server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        var db = await TestDatabase.CreateAsync(server);
        await db.SeedExistingObjectsAsync();
        // The fixture runs with fsync and synchronous_commit off: make what exists before the apply durable.
        await using (var su = await server.OpenSuperuserAsync("postgres")) await PostgresServer.Exec(su, "CHECKPOINT");
        string before = await db.SnapshotAsync();
        int statements = (await db.PlanAsync(db.RichLayout())).Plan.Changes.Length;

        var executor = new PlanExecutor
        {
            BeforeStatement = async (i, _, _) => { if (i == statements / 2) await server.CrashAsync(); },
        };
        var error = await Assert.ThrowsAnyAsync<RoleManagerException>(() => db.ApplyAsync(db.RichLayout(), executor));
        output.WriteLine(error.Message);
        Assert.True(error is ApplyException or ConnectionException, $"{error.GetType().Name}: {error.Message}");
        Assert.Contains("nothing was changed", error.Message, StringComparison.OrdinalIgnoreCase);

        // While the server is down the tool fails cleanly, too.
        var down = await Assert.ThrowsAsync<ConnectionException>(() => db.ApplyAsync(db.RichLayout()));
        Assert.Contains("Cannot reach PostgreSQL", down.Message);

        await server.RestartAsync();
        string after = await db.SnapshotAsync();
        Assert.True(before == after, $"the catalog changed:\n{Diff(before, after)}");
        var converged = await db.ApplyAsync(db.RichLayout());
        Assert.Equal(statements, converged.StatementsExecuted);
        Assert.True((await db.PlanAsync(db.RichLayout())).Plan.IsEmpty);
    }

    internal static string Diff(string before, string after)
    {
        var b = before.Split('\n').ToHashSet();
        var a = after.Split('\n').ToHashSet();
        return string.Join("\n", b.Except(a).Select(l => "- " + l).Concat(a.Except(b).Select(l => "+ " + l)));
    }
}
