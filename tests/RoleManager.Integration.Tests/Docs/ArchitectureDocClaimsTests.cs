using RoleManager.Check;
using RoleManager.Config;
using RoleManager.Execute;
using RoleManager.Integration.Tests.Cluster;
using RoleManager.Model;
using RoleManager.UseCases;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// docs/architecture.md, "Transactions": every transaction of the tool comes from <c>PlanTransaction</c> with the same
/// settings (the run's timeouts, no JIT, no parallel workers), and only apply takes the advisory lock ("a plan waits for
/// no other run"). Read from the server: pg_stat_statements (preloaded by the fixture) counts what each command sent.
/// </summary>
public sealed class ArchitectureDocClaimsTests
{
    /// <summary>A database the CLI applied the default layout to, and the CLI's environment for it.</summary>
    private static async Task<(TestDatabase Db, Dictionary<string, string?> Env)> ConvergedAsync()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password");
        Assert.True(apply.ExitCode == 0, apply.All);
        return (db, env);
    }

    [Fact]
    public async Task Every_transaction_of_plan_apply_check_inspect_and_report_sets_the_timeouts_no_jit_and_no_parallel_workers()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        await using var stats = await db.Server.OpenSuperuserAsync("postgres");
        string dbid = $"(SELECT oid FROM pg_database WHERE datname = '{db.Name}')";
        await TestDatabase.Exec(stats, $"SELECT pg_stat_statements_reset(0::oid, {dbid}, 0::bigint)");

        // apply changes the database and check logs in as each role: transactions of every mode and every session kind.
        foreach (string[] args in new[] { ["plan"], ["apply"], ["check"], ["inspect"], new[] { "report", "--format", "json" } })
        {
            var run = await CliRunner.RunAsync(env, [.. args, "--auth", "password"]);
            Assert.True(run.ExitCode == 0, $"{args[0]}: {run.All}");
        }

        async Task<long> Calls(string pattern) => await TestDatabase.Scalar<long>(stats,
            $"SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = {dbid} AND query ~* '{pattern}'");
        long begins = await Calls(@"^\s*(BEGIN|START TRANSACTION)");
        // plan, apply, check (the master's probes and a session per login role), inspect, report: at least six.
        Assert.True(begins >= 6, $"only {begins} transactions were counted");
        Assert.Equal(begins, await Calls(@"^SET LOCAL lock_timeout"));
        Assert.Equal(begins, await Calls(@"^SET LOCAL statement_timeout"));
        Assert.Equal(begins, await Calls(@"^SET LOCAL jit"));
        Assert.Equal(begins, await Calls(@"^SET LOCAL max_parallel_workers_per_gather"));
        // The advisory lock is apply's alone (one transaction here).
        Assert.Equal(1, await Calls("pg_advisory_xact_lock"));
    }

    [Fact]
    public async Task A_plan_and_an_inspect_run_while_another_run_holds_the_advisory_lock_and_an_apply_waits_for_it()
    {
        // Converged first: inspect prints only a database a config can say exactly.
        var (db, env) = await ConvergedAsync();
        await using var holder = await db.Server.OpenMasterAsync(db.Name);
        await using var held = await holder.BeginTransactionAsync();
        await TestDatabase.Exec(holder, $"SELECT pg_advisory_xact_lock({PlanTransaction.AdvisoryLockKey})");

        var plan = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--lock-timeout", "1s", "--detailed-exitcode");
        Assert.True(plan.ExitCode == 0, plan.All);
        var inspect = await CliRunner.RunAsync(env, "inspect", "--auth", "password", "--lock-timeout", "1s");
        Assert.True(inspect.ExitCode == 0, inspect.All);

        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password", "--lock-timeout", "1s");
        Assert.True(apply.ExitCode == 1, apply.All);
        Assert.Contains("Another role-manager run holds the lock", apply.StdErr);
        await held.RollbackAsync();
    }

    [Fact]
    public async Task A_hand_grant_to_the_last_reader_of_an_equivalence_class_fails_its_check_though_only_the_first_is_probed_as()
    {
        // "Equivalence classes": three readers with the same grant are one class whose SET ROLE probes run as the first;
        // the server's own view (EffectivePrivilegeProbe) still asks about the third.
        var db = await TestDatabase.CreateAsync();
        string Reader(int i) => $"{db.Prefix}_reader{i}";
        string readers = string.Concat(Enumerable.Range(1, 3).Select(i => $"  - {{ name: {Reader(i)}, password_env: R{i}, grants: [{{ schema: app, profile: readonly }}] }}\n"));
        var desired = ConfigLoader.Load($"""
            database: {db.Name}
            auth: password
            grant_mode: direct
            schemas: [{"{"} name: app, owner: {db.Migrator} {"}"}]
            roles:
              - {"{"} name: {db.Migrator}, password_env: M {"}"}
            {readers}
            """, "readers.yaml", name => name switch
        {
            "M" => TestDatabase.Password(db.Migrator),
            _ when name.StartsWith('R') => TestDatabase.Password(Reader(int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture))),
            _ => null,
        }, new());
        await db.ApplyAsync(desired);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"SET ROLE \"{db.Migrator}\"; CREATE TABLE app.t1 (id int); RESET ROLE");
        var (_, clean) = await db.Engine().CheckAsync(desired, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        Assert.True(clean.Passed, string.Join("\n", clean.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));

        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"GRANT INSERT ON app.t1 TO \"{Reader(3)}\"");
        var (_, check) = await db.Engine().CheckAsync(desired, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);

        var failed = check.Failures.Where(f => f.Name.StartsWith("may do exactly what is declared", StringComparison.Ordinal)).ToList();
        Assert.True(failed.Count == 1 && failed[0].Role == Reader(3), string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
        Assert.Contains("INSERT", failed[0].Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Two_configs_that_declare_a_role_differently_each_see_the_others_run_as_a_change_in_plan_and_check()
    {
        // "Where configs disagree": each run converges the role to its own config, so the other database's plan shows
        // the change back and its check fails "plan is empty", naming the role.
        var db1 = await TestDatabase.CreateAsync();
        var db2 = await ClusterRuns.NeighbourAsync(db1);
        string reader = $"{db1.Prefix}_reader";
        DesiredState Declares(TestDatabase db, int limit) =>
            ClusterRuns.AppLayout(db, $"{{ name: {reader}, password_env: {reader}, connection_limit: {limit}, grants: [{{ schema: app, profile: readonly }}] }}");
        var five = Declares(db1, 5);
        var seven = Declares(db2, 7);
        Assert.True((await db1.ApplyAsync(five)).Committed);
        Assert.True((await db2.ApplyAsync(seven)).Committed);

        var change = Assert.Single((await db1.PlanAsync(five)).Plan.Changes);
        Assert.Contains(reader, change.Sql, StringComparison.Ordinal);
        Assert.Contains("CONNECTION LIMIT 5", change.Sql, StringComparison.Ordinal);
        var check = await ClusterRuns.CheckAsync(db1, five);
        var planIsEmpty = Assert.Single(check.Failures);
        Assert.Contains("plan is empty", planIsEmpty.Name, StringComparison.Ordinal);
        Assert.Contains(reader, planIsEmpty.Detail, StringComparison.Ordinal);

        // Whichever ran last is converged; the other reports it.
        Assert.True((await db1.ApplyAsync(five)).Committed);
        Assert.Contains((await db2.PlanAsync(seven)).Plan.Changes, c => c.Sql.Contains("CONNECTION LIMIT 7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_role_dropped_in_one_database_that_holds_privileges_in_another_is_a_finding_naming_that_database()
    {
        // The ownership table: "dropped only when it owns and holds nothing in any other database; otherwise a finding
        // naming each database ..., never a DROP ROLE that fails".
        var db1 = await TestDatabase.CreateAsync();
        var db2 = await ClusterRuns.NeighbourAsync(db1);
        string reader = $"{db1.Prefix}_reader";
        await db1.ApplyAsync(ClusterRuns.AppLayout(db1, $"{{ name: {reader}, password_env: {reader}, grants: [{{ schema: app, profile: readonly }}] }}"));

        var applied = await db2.ApplyAsync(ClusterRuns.AppLayout(db2, $"{{ name: {reader}, password_env: {reader}, drop: true }}"));

        Assert.DoesNotContain(applied.Plan.Changes, c => c.Sql.StartsWith("DROP ROLE", StringComparison.Ordinal));
        var finding = Assert.Single(applied.Plan.Findings, f => f.Subject == $"role {reader}");
        Assert.Contains(db1.Name, finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_run_after_an_upgrade_from_a_cluster_wide_search_path_sets_it_in_the_database_per_role_and_keeps_the_old_one()
    {
        var db = await TestDatabase.CreateAsync();
        var layout = db.DefaultLayout();
        await db.ApplyAsync(layout);
        // What an earlier version left: each role's search_path cluster-wide, none in the database.
        await using (var su = await db.SuperuserAsync())
            foreach (string role in new[] { db.Migrator, db.App })
                await TestDatabase.Exec(su, $"ALTER ROLE \"{role}\" IN DATABASE \"{db.Name}\" RESET search_path; ALTER ROLE \"{role}\" SET search_path = app");

        var plan = (await db.PlanAsync(layout)).Plan;

        Assert.Equal(2, plan.Changes.Count());
        Assert.All(plan.Changes, c => Assert.Matches($@"^ALTER ROLE "".+"" IN DATABASE ""{System.Text.RegularExpressions.Regex.Escape(db.Name)}"" SET search_path TO ""app""$", c.Sql));
        Assert.True((await db.ApplyAsync(layout)).Committed);
        Assert.True((await db.PlanAsync(layout)).Plan.IsConverged);
        Assert.Contains("* search_path=app", await ClusterRuns.SettingsAsync(db, db.App)); // kept: another database may rely on it
    }

    [Fact]
    public async Task A_role_no_config_declares_keeps_its_attributes_and_memberships_through_apply()
    {
        // The ownership table: "roles no config declares | cluster | nobody | never touched", even a member of a managed role.
        var db = await TestDatabase.CreateAsync();
        string hand = $"{db.Prefix}_byhand";
        var layout = db.DefaultLayout();
        await db.ApplyAsync(layout);
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, $"CREATE ROLE \"{hand}\" LOGIN CREATEDB CONNECTION LIMIT 3 IN ROLE \"{db.App}\"");

        var applied = await db.ApplyAsync(layout);

        Assert.DoesNotContain(applied.Plan.Changes, c => c.Sql.Contains(hand, StringComparison.Ordinal));
        Assert.Equal("true 3 1", await TestDatabase.Scalar<string>(su,
            $"SELECT r.rolcreatedb::text || ' ' || r.rolconnlimit || ' ' || (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid AND m.roleid = '\"{db.App}\"'::regrole) FROM pg_roles r WHERE r.rolname = '{hand}'"));
    }

    [Fact]
    public async Task A_cluster_apply_that_fails_in_one_database_prints_each_report_the_error_and_what_was_committed_and_exits_1()
    {
        // "A failure in the third database": the CLI prints each database's report and the error of the failed one, a
        // closing line naming the databases committed and those rolled back, and exits 1.
        var dbs = await ClusterConfigRunTests.ClusterAsync(2);
        string file = Path.Combine(Path.GetTempPath(), $"cluster-fail-{dbs[0].Prefix}.yaml");
        await File.WriteAllTextAsync(file, ClusterConfigRunTests.SharedReaders(dbs[0].Prefix, dbs));
        var env = CliEnvironment.Master(dbs[0]);
        env.Remove("PGDATABASE");
        foreach (var role in new[] { "migrator", "app", "alice", "bob" }) env[$"{dbs[0].Prefix}_{role}"] = TestDatabase.Password($"{dbs[0].Prefix}_{role}");
        try
        {
            CliRunner.Result apply;
            await using (var holder = await dbs[1].SuperuserAsync())
            {
                await TestDatabase.Exec(holder, $"SELECT pg_advisory_lock({PlanTransaction.AdvisoryLockKey})");
                apply = await CliRunner.RunAsync(env, "apply", "--config", file, "--lock-timeout", "1s");
            }

            Assert.True(apply.ExitCode == 1, apply.All);
            Assert.Contains($"== database {dbs[0].Name} ==", apply.StdOut, StringComparison.Ordinal);
            Assert.Contains("Another role-manager run holds the lock", apply.All, StringComparison.Ordinal);
            Assert.Contains($"committed: {dbs[0].Name}; FAILED and rolled back: {dbs[1].Name}", apply.All, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_check_logs_its_login_sessions_as_one_summary_line_not_a_begin_per_role()
    {
        // "Logging and transcripts": a check's login sessions are summed up in one line, not a begin and rollback each.
        var (_, env) = await ConvergedAsync();
        var debug = new Dictionary<string, string?>(env) { ["ROLE_MANAGER_DEBUG"] = "1" };

        var check = await CliRunner.RunAsync(debug, "check", "--auth", "password");

        Assert.True(check.ExitCode == 0, check.All);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(check.StdErr, "check: 2 logins in "));
        // The master's two transactions (the plan, then the probes on the same session); none for app's and migrator's sessions.
        Assert.True(System.Text.RegularExpressions.Regex.Matches(check.StdErr, @"\bbegin ").Count == 2, check.StdErr);
    }

    [Fact]
    public async Task A_run_of_one_database_of_a_cluster_config_reads_the_roles_itself_and_shares_no_digest()
    {
        // "A run of one database (--dbname) shares nothing": its one read of the roles, and no digest query anywhere.
        var dbs = await ClusterConfigRunTests.ClusterAsync(2);
        string yaml = ClusterConfigRunTests.SharedReaders(dbs[0].Prefix, dbs);
        Assert.Empty((await ClusterConfigRunTests.RunAsync(ClusterConfigRunTests.Request(dbs[0], RunAction.Apply, yaml))).Failed);
        await using var stats = await dbs[0].Server.OpenSuperuserAsync("postgres");
        string Dbid(TestDatabase db) => $"(SELECT oid FROM pg_database WHERE datname = '{db.Name}')";
        foreach (var db in dbs) await TestDatabase.Exec(stats, $"SELECT pg_stat_statements_reset(0::oid, {Dbid(db)}, 0::bigint)");
        async Task<long> Calls(TestDatabase db, string queryStart) => await TestDatabase.Scalar<long>(stats,
            $"SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = {Dbid(db)} AND query LIKE '{queryStart}%'");

        var run = await ClusterConfigRunTests.RunAsync(ClusterConfigRunTests.Request(dbs[0], RunAction.Plan, yaml, only: dbs[1].Name));

        Assert.Equal([dbs[1].Name], run.Databases.Select(d => d.Database));
        Assert.Equal((0L, 1L), (await Calls(dbs[0], "-- The declared roles"), await Calls(dbs[1], "-- The declared roles")));
        Assert.Equal((0L, 0L), (await Calls(dbs[0], "-- A digest of the role state"), await Calls(dbs[1], "-- A digest of the role state")));
    }

    [Fact]
    public async Task An_empty_search_path_list_removes_the_roles_search_path_in_its_database_only()
    {
        var db1 = await TestDatabase.CreateAsync();
        var db2 = await ClusterRuns.NeighbourAsync(db1);
        await db1.ApplyAsync(ClusterRuns.AppLayout(db1, $"{{ name: {db1.Prefix}_reader, password_env: {db1.Prefix}_reader }}"));
        await db2.ApplyAsync(ClusterRuns.AppLayout(db2, $"{{ name: {db1.Prefix}_reader, password_env: {db1.Prefix}_reader }}"));
        var cleared = ClusterRuns.Load($$"""
            database: {{db1.Name}}
            auth: password
            schemas: [{ name: app, owner: {{db1.Migrator}} }]
            roles:
              - { name: {{db1.Migrator}}, password_env: {{db1.Migrator}}, search_path: [app] }
              - { name: {{db1.App}}, password_env: {{db1.App}}, search_path: [], grants: [{ schema: app, profile: readwrite }] }
              - { name: {{db1.Prefix}}_reader, password_env: {{db1.Prefix}}_reader }
            """);

        Assert.True((await db1.ApplyAsync(cleared)).Committed);

        Assert.Equal([$"{db2.Name} search_path=app"], await ClusterRuns.SettingsAsync(db1, db1.App));
        Assert.True((await db1.PlanAsync(cleared)).Plan.IsConverged);
    }
}
