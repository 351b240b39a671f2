using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Reporting;
using RoleManager.UseCases;
using static RoleManager.Integration.Tests.Cluster.ClusterRuns;

namespace RoleManager.Integration.Tests.Cluster;

/// <summary>
/// Issue 28: one config for the cluster (databases:) and one run for every database in it. The issue's four cases through
/// the cluster config (SeparateRunsTests has them through one config per database), what one failed database leaves
/// behind and how the next run converges from there, and the CLI's output grouped by database.
/// </summary>
public sealed class ClusterConfigRunTests
{
    /// <summary>Roles once; each database with schema app owned by the migrator and <paramref name="roles"/> (YAML flow items).</summary>
    private static string Cluster(string prefix, IEnumerable<TestDatabase> databases, Func<TestDatabase, string> roles, params string[] roleNames) => $$"""
        auth: password
        roles:
        {{string.Join("\n", roleNames.Select(r => $"  - {{ name: {prefix}_{r}, password_env: {prefix}_{r} }}"))}}
        databases:
        {{string.Join("\n", databases.Select(db => $"  - name: {db.Name}\n    schemas: [{{ name: app, owner: {prefix}_migrator }}]\n    roles:\n{roles(db)}"))}}
        """;

    /// <summary>The grant_mode documentation's example in every database: alice and bob share readonly on app.</summary>
    internal static string SharedReaders(string p, params TestDatabase[] dbs) => Cluster(p, dbs, _ => SharedReadersRoles(p), "migrator", "app", "alice", "bob");

    private static string SharedReadersRoles(string p) => $$"""
              - { name: {{p}}_migrator, search_path: [app] }
              - { name: {{p}}_app, search_path: [app], grants: [{ schema: app, profile: readwrite }] }
              - { name: {{p}}_alice, grants: [{ schema: app, profile: readonly }] }
              - { name: {{p}}_bob, grants: [{ schema: app, profile: readonly }] }
        """;

    private static ClusterLayout Layout(string yaml) => ConfigLoader.LoadLayout(yaml, "cluster.yaml", TestDatabase.Password, new());

    /// <summary>A run of the cluster config as the CLI makes it: the server, no database named (the config names them).</summary>
    internal static RunRequest Request(TestDatabase any, RunAction action, string yaml, string? only = null, ExecutionOptions? execution = null) =>
        new(action, false, new LayoutInputs(ConfigText: yaml),
            new ConnectionInputs(Host: "127.0.0.1", Port: any.Server.Port, Username: PostgresServer.MasterUser, SslMode: "disable"),
            name => name == "PGPASSWORD" ? any.Server.MasterPassword : null, execution ?? ExecutionOptions.Default)
        {
            // password_env names the role (lower case); no other variable is set.
            LayoutEnvironment = name => name.Any(char.IsAsciiLetterUpper) ? null : TestDatabase.Password(name),
            OnlyDatabase = only,
        };

    internal static Task<ClusterRunReport> RunAsync(RunRequest request) => new RoleManagerRun().RunClusterAsync(request, CancellationToken.None);

    internal static async Task<TestDatabase[]> ClusterAsync(int count)
    {
        var first = await TestDatabase.CreateAsync();
        var all = new List<TestDatabase> { first };
        for (int i = 1; i < count; i++) all.Add(await NeighbourAsync(first));
        return [.. all];
    }

    private static async Task AssertAllConvergedAsync(string yaml, TestDatabase[] dbs, string when)
    {
        var layout = Layout(yaml);
        foreach (var db in dbs) await AssertConvergedAsync(db, layout.Find(db.Name)!, when);
    }

    [Fact]
    public async Task Case_1_two_databases_with_the_same_layout_in_one_config_converge_in_one_run_and_stay_converged()
    {
        var dbs = await ClusterAsync(2);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);

        var applied = await RunAsync(Request(dbs[0], RunAction.Apply, yaml));

        Assert.Empty(applied.Failed);
        Assert.All(applied.Databases, d => Assert.True(d.Report!.Committed));
        // The roles and memberships are created once, in the first database's transaction.
        Assert.DoesNotContain(applied.Databases[1].Report!.Plan.Changes, c => c.Kind == Planning.ChangeKind.CreateRole && !c.Sql.Contains(dbs[1].Name, StringComparison.Ordinal));
        await AssertAllConvergedAsync(yaml, dbs, "after one run");
        var again = await RunAsync(Request(dbs[0], RunAction.Apply, yaml));
        Assert.All(again.Databases, d => Assert.Equal(0, d.Report!.StatementsExecuted));
        var check = await RunAsync(Request(dbs[0], RunAction.Check, yaml));
        Assert.All(check.Databases, d => Assert.True(d.Report!.Check!.Passed, d.Database));
    }

    [Fact]
    public async Task Case_2_the_default_layout_with_a_different_schema_per_database_keeps_each_search_path_in_its_database()
    {
        var orders = await TestDatabase.CreateAsync();
        var billing = await NeighbourAsync(orders);
        string p = orders.Prefix;
        string yaml = $$"""
            auth: password
            roles:
              - { name: {{p}}_migrator, password_env: {{p}}_migrator }
              - { name: {{p}}_app, password_env: {{p}}_app }
            databases:
              - name: {{orders.Name}}
                schemas: [{ name: orders, owner: {{p}}_migrator }]
                roles:
                  - { name: {{p}}_migrator, search_path: [orders] }
                  - { name: {{p}}_app, search_path: [orders], grants: [{ schema: orders, profile: readwrite }] }
              - name: {{billing.Name}}
                schemas: [{ name: billing, owner: {{p}}_migrator }]
                roles:
                  - { name: {{p}}_migrator, search_path: [billing] }
                  - { name: {{p}}_app, search_path: [billing], grants: [{ schema: billing, profile: readwrite }] }
            """;

        await RunAsync(Request(orders, RunAction.Apply, yaml));

        await AssertAllConvergedAsync(yaml, [orders, billing], "after one run");
        Assert.Equal(new[] { $"{billing.Name} search_path=billing", $"{orders.Name} search_path=orders" }.Order(StringComparer.Ordinal), (await SettingsAsync(orders, $"{p}_app")).Order(StringComparer.Ordinal));
        // Separately, either database alone (--dbname) leaves the other converged.
        await RunAsync(Request(orders, RunAction.Apply, yaml, only: billing.Name));
        await AssertAllConvergedAsync(yaml, [orders, billing], $"after applying {billing.Name} alone");
    }

    [Fact]
    public async Task Case_3_what_inspect_prints_for_one_database_of_the_cluster_config_applies_without_unsettling_the_other()
    {
        var dbs = await ClusterAsync(2);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);
        await RunAsync(Request(dbs[0], RunAction.Apply, yaml));

        var inspected = await RunAsync(Request(dbs[0], RunAction.Inspect, yaml, only: dbs[1].Name));
        var report = Assert.Single(inspected.Databases).Report!;
        string printed = InspectYaml.Write(report.Desired, report.Before);
        await dbs[1].ApplyAsync(ConfigLoader.Load(printed, "inspected.yaml", TestDatabase.Password, new()));

        await AssertAllConvergedAsync(yaml, dbs, "after applying the inspected config of " + dbs[1].Name + ":\n" + printed);
    }

    [Fact]
    public async Task Inspect_of_the_whole_cluster_prints_a_cluster_config_whose_run_plans_nothing_in_any_database()
    {
        var dbs = await ClusterAsync(2);
        string p = dbs[0].Prefix;
        // Different schemas, search paths and a reader in one database only, beside the shared readers' group roles.
        string yaml = Cluster(p, dbs, db => db == dbs[0]
            ? SharedReadersRoles(p)
            : $$"""
                  - { name: {{p}}_migrator, search_path: [app] }
                  - { name: {{p}}_app, search_path: [app, public], database_settings: { work_mem: 8MB }, grants: [{ schema: app, profile: readonly }] }
            """, "migrator", "app", "alice", "bob");
        await RunAsync(Request(dbs[0], RunAction.Apply, yaml));

        var inspected = await RunAsync(Request(dbs[0], RunAction.Inspect, yaml));
        string printed = ClusterInspectYaml.Write(inspected);

        Assert.True(Layout(printed).IsCluster, printed);
        var plan = await RunAsync(Request(dbs[0], RunAction.Plan, printed));
        Assert.Empty(plan.Failed);
        Assert.False(plan.AnyChanges, printed + "\n" + string.Join("\n", plan.Databases.SelectMany(d => d.Report!.Plan.Changes.Select(c => $"{d.Database}: {c.Sql}"))));
        await RunAsync(Request(dbs[0], RunAction.Apply, printed));
        await AssertAllConvergedAsync(yaml, dbs, "after applying the inspected cluster config:\n" + printed);
        // alice reads in the first database only: in the second, the check proves she cannot connect (not that she logs in).
        var check = (await RunAsync(Request(dbs[0], RunAction.Check, yaml, only: dbs[1].Name))).Databases[0].Report!.Check!;
        Assert.Contains(check.Assertions, a => a.Role == $"{p}_alice" && a.Name == $"cannot connect to database {dbs[1].Name}" && a.Passed);
        Assert.DoesNotContain(check.Assertions, a => a.Role == $"{p}_alice" && a.Name.StartsWith("logs in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Case_4_one_run_manages_four_databases_and_every_check_passes()
    {
        var dbs = await ClusterAsync(4);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);

        var plan = await RunAsync(Request(dbs[0], RunAction.Plan, yaml));
        Assert.Equal(dbs.Select(d => d.Name), plan.Databases.Select(d => d.Database));
        // Shown once: the cluster-wide changes appear under the first database only.
        Assert.Contains(plan.Databases[0].Report!.Plan.Changes, c => c.Sql.StartsWith($"CREATE ROLE \"{dbs[0].Prefix}_alice\"", StringComparison.Ordinal));
        for (int i = 1; i < 4; i++)
        {
            var shown = plan.Shown(i, out int repeated)!;
            Assert.True(repeated > 0);
            Assert.DoesNotContain(shown.Plan.Changes, c => c.Sql.StartsWith($"CREATE ROLE \"{dbs[0].Prefix}_alice\"", StringComparison.Ordinal));
        }

        var applied = await RunAsync(Request(dbs[0], RunAction.Apply, yaml));

        Assert.Empty(applied.Failed);
        await AssertAllConvergedAsync(yaml, dbs, "after one run over four databases");
        var check = await RunAsync(Request(dbs[0], RunAction.Check, yaml));
        Assert.Equal(4, check.Databases.Count(d => d.Report!.Check!.Passed));
        Assert.False((await RunAsync(Request(dbs[0], RunAction.Plan, yaml))).AnyChanges);
    }

    /// <summary>
    /// A role's password is the cluster's, so one run proves each password_env password once, not once per database: two
    /// logins per role (the password, then a value that must fail), beside each database's own inspection. Before, every
    /// database repeated them: 3 × (1 + 1 + 2 × 4) = 30 connections here; then one run read the stored markers in a master
    /// connection of their own (3 + 1 + 2 × 4 = 12); since issue 29 the planner reads them from each inspection (11).
    /// </summary>
    [Fact]
    public async Task One_run_proves_each_password_once_for_the_whole_cluster()
    {
        var dbs = await ClusterAsync(3);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);
        Assert.Empty((await RunAsync(Request(dbs[0], RunAction.Apply, yaml))).Failed);
        using var proxy = new HoldingProxy(dbs[0].Server.Port, TimeSpan.Zero);
        var request = Request(dbs[0], RunAction.Plan, yaml);

        var plan = await RunAsync(request with { Connection = request.Connection with { Port = proxy.Port } });

        Assert.Empty(plan.Failed);
        Assert.False(plan.AnyChanges);
        Assert.Equal(3 + 2 * 4, proxy.Connections);
    }

    /// <summary>
    /// An apply waits for the first database only while it may be applying cluster-wide changes: here its plan has only
    /// its own (CONNECT on the database put back, which the master grants as the database's owner) and its transaction is
    /// held up executing it, yet the second database is applied and committed meanwhile. Before, the second waited for
    /// the first to finish.
    /// </summary>
    [Fact]
    public async Task An_apply_whose_first_database_has_no_cluster_wide_change_does_not_hold_the_others_back()
    {
        var dbs = await ClusterAsync(2);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);
        Assert.Empty((await RunAsync(Request(dbs[0], RunAction.Apply, yaml))).Failed);
        foreach (var db in dbs)
        {
            await using var su = await db.SuperuserAsync();
            await TestDatabase.Exec(su, $"REVOKE CONNECT ON DATABASE \"{db.Name}\" FROM \"{db.App}\"");
        }
        var execution = ExecutionOptions.Default with { LockTimeout = TimeSpan.FromSeconds(20) };

        await using var blocker = await dbs[0].SuperuserAsync();
        // Holds the first database's pg_database row: its GRANT CONNECT waits for this transaction.
        await TestDatabase.Exec(blocker, $"BEGIN; ALTER DATABASE \"{dbs[0].Name}\" CONNECTION LIMIT 1000");
        var run = RunAsync(Request(dbs[0], RunAction.Apply, yaml, execution: execution));
        bool secondDone = false;
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); !secondDone && clock.Elapsed < TimeSpan.FromSeconds(15) && !run.IsCompleted;)
        {
            await Task.Delay(100);
            secondDone = await TestDatabase.Scalar<bool>(blocker, $"SELECT has_database_privilege('{dbs[1].App}', '{dbs[1].Name}', 'CONNECT')");
        }
        bool firstStillHeld = !run.IsCompleted;
        await TestDatabase.Exec(blocker, "ROLLBACK");
        var applied = await run;

        Assert.True(secondDone && firstStillHeld, $"second database applied: {secondDone}, while the first was still held: {firstStillHeld}");
        Assert.Empty(applied.Failed);
        Assert.All(applied.Databases, d => Assert.True(d.Report!.Committed));
        await AssertAllConvergedAsync(yaml, dbs, "after the run");
    }

    /// <summary>
    /// The other databases use the first one's read of the roles only when nothing changed since: each proves it inside its
    /// own transaction, under its own lock, with a digest of the role state (2_role_state.sql). Here the third database waits
    /// for its lock (another run holds it) while a membership of its group role is revoked; when it gets the lock it sees
    /// the revoke and puts the membership back. Using the first database's read, it would have planned nothing.
    /// </summary>
    [Fact]
    public async Task A_role_change_made_while_a_database_waits_for_its_lock_is_seen_there_though_the_first_database_read_the_roles_before()
    {
        var dbs = await ClusterAsync(3);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);
        Assert.Empty((await RunAsync(Request(dbs[0], RunAction.Apply, yaml))).Failed);
        string group = RoleManager.Config.GroupRoles.Name(dbs[2].Name, "app", Profile.ReadOnly, false);

        var applied = await ApplyWhileTheThirdWaitsAsync(dbs, yaml, holder => TestDatabase.Exec(holder, $"REVOKE \"{group}\" FROM \"{dbs[2].Prefix}_alice\""));

        Assert.Empty(applied.Failed);
        var third = applied.Databases[2].Report!;
        Assert.Contains(third.Plan.Changes, c => c.Kind == Planning.ChangeKind.GrantMembership && c.Sql.Contains(group, StringComparison.Ordinal));
        Assert.True(third.Committed);
        await AssertAllConvergedAsync(yaml, dbs, "after the run");
    }

    /// <summary>An apply of the cluster during which the third database waits for its lock while <paramref name="meanwhile"/> runs (as the master, in it).</summary>
    internal static async Task<ClusterRunReport> ApplyWhileTheThirdWaitsAsync(TestDatabase[] dbs, string yaml, Func<Npgsql.NpgsqlConnection, Task> meanwhile)
    {
        var execution = ExecutionOptions.Default with { LockTimeout = TimeSpan.FromSeconds(30) };
        Task<ClusterRunReport> run;
        await using (var holder = await dbs[2].MasterAsync())
        {
            await TestDatabase.Exec(holder, $"SELECT pg_advisory_lock({PlanTransaction.AdvisoryLockKey})");
            run = RunAsync(Request(dbs[0], RunAction.Apply, yaml, execution: execution));
            // The third database's apply waits for the lock: the first database has read the roles for all of them by then.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!await TestDatabase.Scalar<bool>(holder, "SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND NOT l.granted " +
                                                            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))"))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20) && !run.IsCompleted, "the third database's apply never waited for the lock");
                await Task.Delay(50);
            }
            await meanwhile(holder);
            await TestDatabase.Exec(holder, $"SELECT pg_advisory_unlock({PlanTransaction.AdvisoryLockKey})");
        }
        return await run;
    }

    [Fact]
    public async Task Case_4_four_separate_configs_applied_at_once_all_converge()
    {
        var dbs = await ClusterAsync(4);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);

        // One config per database (what the issue's team deployed as four functions), all applied at the same moment.
        await Task.WhenAll(dbs.Select(db => RunAsync(Request(db, RunAction.Apply, yaml, only: db.Name))));

        await AssertAllConvergedAsync(yaml, dbs, "after four concurrent runs");
    }

    [Fact]
    public async Task A_lock_held_in_the_third_database_fails_only_it_and_the_next_run_converges_from_there()
    {
        var dbs = await ClusterAsync(4);
        string yaml = SharedReaders(dbs[0].Prefix, dbs);
        var quick = ExecutionOptions.Default with { LockTimeout = TimeSpan.FromSeconds(1) };

        ClusterRunReport applied;
        await using (var holder = await dbs[2].SuperuserAsync())
        {
            // Another run (or a migration) holds the third database: its apply waits for the lock, then gives up.
            await TestDatabase.Exec(holder, $"SELECT pg_advisory_lock({PlanTransaction.AdvisoryLockKey})");
            applied = await RunAsync(Request(dbs[0], RunAction.Apply, yaml, execution: quick));
        }

        var failed = Assert.Single(applied.Failed);
        Assert.Equal(dbs[2].Name, failed.Database);
        Assert.IsType<Errors.ApplyException>(failed.Error);
        Assert.All(applied.Databases.Where(d => d.Error is null), d => Assert.True(d.Report!.Committed));
        // What the failure leaves: the cluster-wide roles (committed with the first database) and the other databases
        // converged; nothing of the third (its schema was never created).
        await AssertAllConvergedAsync(yaml, [dbs[0], dbs[1], dbs[3]], "after the run that failed in " + dbs[2].Name);
        await using (var master = await dbs[2].MasterAsync())
            Assert.Equal(0L, await TestDatabase.Scalar<long>(master, "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'"));

        var next = await RunAsync(Request(dbs[0], RunAction.Apply, yaml));

        Assert.Empty(next.Failed);
        Assert.Equal([0, 0, 0], next.Databases.Where(d => d.Database != dbs[2].Name).Select(d => d.Report!.StatementsExecuted));
        // The cluster-wide roles were there already: the third database creates only its own group role.
        Assert.Equal([RoleManager.Config.GroupRoles.Name(dbs[2].Name, "app", Profile.ReadOnly, false)],
            next.Databases.Single(d => d.Database == dbs[2].Name).Report!.Plan.Changes.Where(c => c.Kind == Planning.ChangeKind.CreateRole).Select(c => c.Log.Role).Distinct());
        await AssertAllConvergedAsync(yaml, dbs, "after the next run");
    }

    [Fact]
    public async Task Apply_and_check_of_a_cluster_config_with_evidence_leave_one_object_per_database_each_with_its_own_report()
    {
        var dbs = await ClusterAsync(2);
        string file = Path.Combine(Path.GetTempPath(), $"cluster-evidence-{dbs[0].Prefix}.yaml");
        string folder = Path.Combine(Path.GetTempPath(), $"cluster-evidence-{dbs[0].Prefix}");
        await File.WriteAllTextAsync(file, SharedReaders(dbs[0].Prefix, dbs));
        var env = CliEnvironment.Master(dbs[0]);
        env.Remove("PGDATABASE");
        foreach (var role in new[] { "migrator", "app", "alice", "bob" }) env[$"{dbs[0].Prefix}_{role}"] = TestDatabase.Password($"{dbs[0].Prefix}_{role}");
        try
        {
            var apply = await CliRunner.RunAsync(env, "apply", "--config", file, "--evidence", folder);
            Assert.True(apply.ExitCode == 0, apply.All);
            var check = await CliRunner.RunAsync(env, "check", "--config", file, "--evidence", folder);
            Assert.True(check.ExitCode == 0, check.All);

            foreach (var db in dbs)
            {
                var files = Directory.GetFiles(Path.Combine(folder, db.Name), "*.json").Order(StringComparer.Ordinal).ToList();
                Assert.True(files.Count == 2, $"{db.Name}: {string.Join(", ", files)}\n{apply.All}\n{check.All}");
                Assert.Contains("-manage-", Path.GetFileName(files[0]));
                Assert.Contains("-check-", Path.GetFileName(files[1]));
                using var evidence = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(files[1]));
                Assert.Equal(db.Name, evidence.RootElement.GetProperty("database").GetString());
                Assert.Equal("pass", evidence.RootElement.GetProperty("outcome").GetString());
                Assert.Equal(files[0], evidence.RootElement.GetProperty("previous").GetString());
            }
        }
        finally
        {
            File.Delete(file);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_cli_runs_and_reports_every_database_of_the_config_prints_them_by_name_and_dbname_chooses_one()
    {
        var dbs = await ClusterAsync(2);
        string file = Path.Combine(Path.GetTempPath(), $"cluster-{dbs[0].Prefix}.yaml");
        await File.WriteAllTextAsync(file, SharedReaders(dbs[0].Prefix, dbs));
        var env = CliEnvironment.Master(dbs[0]);
        env.Remove("PGDATABASE");
        foreach (var role in new[] { "migrator", "app", "alice", "bob" }) env[$"{dbs[0].Prefix}_{role}"] = TestDatabase.Password($"{dbs[0].Prefix}_{role}");
        try
        {
            var plan = await CliRunner.RunAsync(env, "plan", "--config", file, "--detailed-exitcode");
            Assert.True(plan.ExitCode == 2, plan.All);
            Assert.Contains($"== database {dbs[0].Name} ==", plan.StdOut, StringComparison.Ordinal);
            Assert.Contains($"== database {dbs[1].Name} ==", plan.StdOut, StringComparison.Ordinal);
            Assert.Contains("cluster-wide change(s) listed under an earlier database", plan.StdOut, StringComparison.Ordinal);

            var apply = await CliRunner.RunAsync(env, "apply", "--config", file);
            Assert.True(apply.ExitCode == 0, apply.All);
            Assert.Contains($"committed: {dbs[0].Name}, {dbs[1].Name}.", apply.StdOut, StringComparison.Ordinal);

            var check = await CliRunner.RunAsync(env, "check", "--config", file, "--output", "json");
            Assert.True(check.ExitCode == 0, check.All);
            var json = System.Text.Json.Nodes.JsonNode.Parse(check.StdOut)!;
            Assert.Equal([dbs[0].Name, dbs[1].Name], json["databases"]!.AsArray().Select(d => d!["database"]!.GetValue<string>()));
            Assert.All(json["databases"]!.AsArray(), d => Assert.True(d!["passed"]!.GetValue<bool>()));

            var one = await CliRunner.RunAsync(env, "plan", "--config", file, "--dbname", dbs[1].Name, "--detailed-exitcode");
            Assert.True(one.ExitCode == 0, one.All);
            Assert.DoesNotContain(dbs[0].Name, one.StdOut, StringComparison.Ordinal);

            var report = await CliRunner.RunAsync(env, "report", "--config", file, "--output", "json");
            Assert.True(report.ExitCode == 0, report.All);
            Assert.Equal([dbs[0].Name, dbs[1].Name], System.Text.Json.Nodes.JsonNode.Parse(report.StdOut)!["databases"]!.AsArray().Select(d => d!["server"]!["database"]!.GetValue<string>()));
            var table = await CliRunner.RunAsync(env, "report", "--config", file);
            Assert.True(table.ExitCode == 0, table.All);
            Assert.Contains($"== database {dbs[1].Name} ==", table.StdOut, StringComparison.Ordinal);

            var unknown = await CliRunner.RunAsync(env, "plan", "--config", file, "--dbname", "nosuchdb");
            Assert.Equal(1, unknown.ExitCode);
            Assert.Contains("is not one of the config's databases", unknown.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
