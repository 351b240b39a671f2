using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Testing;
using RoleManager.UseCases;
using Xunit.Abstractions;

namespace RoleManager.Reliability.Tests;

/// <summary>
/// Runs on different databases of one cluster: roles are cluster-wide but the advisory lock is per
/// database, so a run can find that a concurrent one created a role or membership first (42710, 23505,
/// "tuple concurrently updated"). The use case then inspects again and retries the whole transaction.
/// </summary>
public sealed class ClusterConcurrencyTests(ITestOutputHelper output)
{
    private static RunRequest Apply(TestDatabase db, int conflictAttempts) =>
        db.Request(RunAction.Apply, options: new ExecutionOptions(TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2)),
            layout: new LayoutInputs(ConfigText: db.RichConfigYaml)) with { ConflictAttempts = conflictAttempts };

    [Fact]
    public async Task Eight_applies_on_eight_databases_of_one_cluster_with_shared_role_names_all_succeed()
    {
        string prefix = TestDatabase.NewPrefix();
        var dbs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TestDatabase.CreateAsync(prefix: prefix)));

        var reports = await Task.WhenAll(dbs.Select(db => new RoleManagerRun().RunAsync(Apply(db, conflictAttempts: 5), CancellationToken.None)));

        foreach (var report in reports)
            output.WriteLine($"{report.Desired.Database}: {report.StatementsExecuted} statements, attempts {report.Attempts}");
        Assert.All(reports, r => Assert.True(r.Committed));
        foreach (var db in dbs)
            Assert.True((await db.PlanAsync(db.RichLayout())).Plan.IsEmpty, $"{db.Name} is not converged");
        // Each role logs in with its password on every database.
        foreach (var db in dbs)
        {
            await using var conn = new Npgsql.NpgsqlConnection(db.Server.ConnectionString(db.Name, db.App, db.AppPassword));
            await conn.OpenAsync();
        }
    }
}
