using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.UseCases;
using static RoleManager.Integration.Tests.Cluster.ClusterConfigRunTests;

namespace RoleManager.Integration.Tests.Cluster;

/// <summary>Tests that run when no other test does: they count statements a run sends, or need no other role made meanwhile.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// Issue 28, "roles read once", counted by pg_stat_statements in each database of the run. Alone: another test making
/// roles as the master at the same moment changes the master's memberships (on 16+ the master is a member of every role
/// it creates), which every database's digest covers, and a database that sees it reads the roles again, rightly.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class RoleReadCountTests
{
    /// <summary>
    /// Issue 28, "roles read once": roles, memberships and the master's facts are the cluster's, so one run reads them in its
    /// first database for every database (counted by pg_stat_statements in each database of the run). Before, each database
    /// read them on its own fresh backend. What differs by database is still read for each: a membership of the third
    /// database's group role revoked by hand is drift there and only there.
    /// </summary>
    [Fact]
    public async Task One_run_reads_the_roles_and_the_masters_facts_once_for_every_database_and_still_sees_each_databases_drift()
    {
        var dbs = await ClusterAsync(3);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);
        Assert.Empty((await RunAsync(Request(dbs[0], RunAction.Apply, yaml))).Failed);
        await using var stats = await dbs[0].Server.OpenSuperuserAsync("postgres");
        string dbids = $"(SELECT oid FROM pg_database WHERE datname IN ({string.Join(", ", dbs.Select(d => $"'{d.Name}'"))}))";
        async Task<long> CallsAsync(string queryStart) => await TestDatabase.Scalar<long>(stats,
            $"SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid IN {dbids} AND query LIKE '{queryStart}%'");

        foreach (var action in new[] { RunAction.Plan, RunAction.Apply, RunAction.Check })
        {
            foreach (var db in dbs)
                await TestDatabase.Exec(stats, $"SELECT pg_stat_statements_reset(0::oid, (SELECT oid FROM pg_database WHERE datname = '{db.Name}'), 0::bigint)");
            var run = await RunAsync(Request(dbs[0], action, yaml));
            Assert.Empty(run.Failed);
            Assert.False(run.AnyChanges, $"{action}: a converged cluster has changes");
            Assert.Equal((1L, 1L), (await CallsAsync("-- The declared roles"), await CallsAsync("-- What the connected (master) user is")));
        }

        string group = RoleManager.Config.GroupRoles.Name(dbs[2].Name, "app", Profile.ReadOnly, false);
        await using (var master = await dbs[2].MasterAsync())
            await TestDatabase.Exec(master, $"REVOKE \"{group}\" FROM \"{dbs[2].Prefix}_alice\"");
        var plan = await RunAsync(Request(dbs[0], RunAction.Plan, yaml));

        Assert.Equal([false, false, true], plan.Databases.Select(d => !d.Report!.Plan.IsEmpty));
        Assert.Contains(plan.Databases[2].Report!.Plan.Changes, c => c.Kind == Planning.ChangeKind.GrantMembership && c.Sql.Contains(group, StringComparison.Ordinal));
    }

    /// <summary>
    /// The digest covers the roles the run looks at (declared, the master, superusers, and the groups and grantors these
    /// reach), not every role of the cluster: a login another team creates meanwhile makes no database read again.
    /// </summary>
    [Fact]
    public async Task A_role_no_database_declares_created_while_a_database_waits_for_its_lock_does_not_make_it_read_the_roles_again()
    {
        var dbs = await ClusterAsync(3);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);
        Assert.Empty((await RunAsync(Request(dbs[0], RunAction.Apply, yaml))).Failed);
        await using var stats = await dbs[0].Server.OpenSuperuserAsync("postgres");
        foreach (var db in dbs)
            await TestDatabase.Exec(stats, $"SELECT pg_stat_statements_reset(0::oid, (SELECT oid FROM pg_database WHERE datname = '{db.Name}'), 0::bigint)");

        // Made by another administrator (a superuser here): on 16+ a role the master makes has the master as a member, which
        // is the master's own state and rightly changes the digest.
        var applied = await ApplyWhileTheThirdWaitsAsync(dbs, yaml, async _ =>
        {
            await using var other = await dbs[0].SuperuserAsync();
            await TestDatabase.Exec(other, $"CREATE ROLE \"{dbs[0].Prefix}_someone_else\" LOGIN");
        });

        Assert.Empty(applied.Failed);
        Assert.False(applied.AnyChanges);
        Assert.Equal(1L, await TestDatabase.Scalar<long>(stats, "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE query LIKE '-- The declared roles%' " +
            $"AND dbid IN (SELECT oid FROM pg_database WHERE datname IN ({string.Join(", ", dbs.Select(d => $"'{d.Name}'"))}))"));
    }

}
