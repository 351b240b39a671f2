using RoleManager.Planning;

namespace RoleManager.Integration.Tests.Drift;

/// <summary>
/// Issue 27, item 3: a predefined role (<c>pg_write_all_data</c>, <c>pg_read_all_data</c>, … every one the server has)
/// given by hand to a declared role that is not an administrator is drift like any undeclared membership: plan shows the
/// revocation (or, where only its grantor may revoke it, a finding with the exact SQL), apply takes it away, check fails
/// until then; nothing exits 1. An administrator made by hand (CREATEROLE, SUPERUSER, rds_superuser) is left alone with a
/// finding that names both ways out, and every other role is still managed.
/// </summary>
public class PredefinedRoleDriftTests
{
    /// <summary>
    /// Where the master may revoke what it granted: before 16 the shared server (CREATEROLE revokes any membership in a
    /// non-superuser role); from 16 a server of this test class's own on which the master holds ADMIN on every predefined
    /// role, as RDS gives rds_superuser, without inheriting or SET (so the master gains no right from it).
    /// </summary>
    private static readonly Lazy<Task<PostgresServer>> MasterGrants = new(async () =>
    {
        var shared = await PostgresServer.Shared;
        if (shared.VersionNum < 160000) return shared;
        var own = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        await using var su = await own.OpenSuperuserAsync("postgres");
        foreach (var role in await PredefinedRolesAsync(su))
            await TestDatabase.Exec(su, $"GRANT {role} TO {PostgresServer.MasterUser} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE");
        return own;
    });

    /// <summary>Every predefined role of the server that can be granted (pg_database_owner cannot have members).</summary>
    private static async Task<List<string>> PredefinedRolesAsync(Npgsql.NpgsqlConnection conn)
    {
        await using var cmd = new Npgsql.NpgsqlCommand(@"SELECT rolname::text FROM pg_roles WHERE rolname LIKE 'pg\_%' AND rolname <> 'pg_database_owner' ORDER BY 1", conn);
        var roles = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) roles.Add(reader.GetString(0));
        return roles;
    }

    /// <summary>The predefined role the CLI cases grant: pg_write_all_data from 14, pg_monitor on 13.</summary>
    private static string Writer(TestDatabase db) => db.Server.VersionNum >= 140000 ? "pg_write_all_data" : "pg_monitor";

    [Fact]
    public async Task Every_predefined_role_a_superuser_grants_to_app_and_to_the_readonly_role_is_drift_that_plan_shows_and_check_fails_until_it_is_gone()
    {
        var layout = await DriftLayout.CreateAsync();
        var db = layout.Db;
        List<string> predefined;
        await using (var su = await db.SuperuserAsync())
        {
            predefined = await PredefinedRolesAsync(su);
            foreach (var role in predefined)
                await TestDatabase.Exec(su, $"GRANT {role} TO \"{db.App}\"; GRANT {role} TO \"{layout.Reporting}\"");
        }

        var before = await layout.CheckAsync();
        var plan = await layout.PlanAsync();

        Assert.False(before.Passed, "check passes with every predefined role granted");
        // A pending revocation (before 16), or a finding for the superuser's grants (16+): never a pass.
        Assert.Contains(before.Failures, f => f.Name is "database matches the configuration (plan is empty)" or "nothing needs a superuser (no findings)");
        foreach (var role in predefined)
        foreach (var member in new[] { db.App, layout.Reporting })
        {
            if (db.Server.VersionNum < 160000)
                Assert.Contains(plan.Changes, c => c.Kind == ChangeKind.RevokeMembership && c.Sql == $"REVOKE \"{role}\" FROM \"{member}\"");
            else // granted by the bootstrap superuser: only it may take the row, and the finding names it
                Assert.True(plan.Findings.Any(f => f.FixSql == $"REVOKE \"{role}\" FROM \"{member}\" GRANTED BY \"{PostgresServer.SuperUser}\""),
                    $"{role} of {member}: " + string.Join("\n", plan.Findings.Select(f => f.FixSql)) + string.Join("\n", plan.Changes.Select(c => c.Sql)));
        }

        await layout.ConvergeAsync(); // runs the findings' SQL as the superuser, applies, plans again (empty) and checks by hand
        var after = await layout.CheckAsync();
        Assert.True(after.Passed, DriftLayout.Failed(after));
    }

    [Fact]
    public async Task Every_predefined_role_the_master_granted_to_app_is_revoked_by_apply_and_check_passes_afterwards()
    {
        var db = await TestDatabase.CreateAsync(await MasterGrants.Value);
        var desired = DriftLayout.Load(db);
        await db.ApplyAsync(desired);
        List<string> predefined;
        await using (var master = await db.MasterAsync())
        {
            predefined = await PredefinedRolesAsync(master);
            foreach (var role in predefined)
                await TestDatabase.Exec(master, $"GRANT {role} TO \"{db.App}\"; GRANT {role} TO \"{db.Reporting}\"");
        }
        string grantedBy = db.Server.VersionNum >= 160000 ? $" GRANTED BY \"{PostgresServer.MasterUser}\"" : "";

        var plan = (await db.PlanAsync(desired)).Plan;
        var (_, failing) = await db.Engine().CheckAsync(desired, new Check.PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        await db.ApplyAsync(desired);
        var (after, passing) = await db.Engine().CheckAsync(desired, new Check.PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);

        Assert.True(plan.Findings.IsDefaultOrEmpty, string.Join("; ", plan.Findings.Select(f => f.FixSql)));
        foreach (var role in predefined)
        {
            Assert.Contains(plan.Changes, c => c.Sql == $"REVOKE \"{role}\" FROM \"{db.App}\"{grantedBy}");
            Assert.Contains(plan.Changes, c => c.Sql == $"REVOKE \"{role}\" FROM \"{db.Reporting}\"{grantedBy}");
        }
        Assert.False(failing.Passed);
        Assert.True(after.Plan.IsConverged);
        Assert.True(passing.Passed, DriftLayout.Failed(passing));
        await using var su = await db.SuperuserAsync();
        Assert.Equal(0L, await TestDatabase.Scalar<long>(su,
            $"SELECT count(*) FROM pg_auth_members WHERE member IN ('\"{db.App}\"'::regrole, '\"{db.Reporting}\"'::regrole)"));
    }

    [Fact]
    public async Task The_cli_shows_a_predefined_role_as_a_pending_revocation_check_exits_3_and_apply_takes_it_away()
    {
        var db = await TestDatabase.CreateAsync(await MasterGrants.Value);
        var env = CliEnvironment.Master(db);
        var first = await CliRunner.RunAsync(env, "apply", "--auth", "password");
        Assert.True(first.ExitCode == 0, first.All);
        string role = Writer(db);
        await using (var master = await db.MasterAsync())
            await TestDatabase.Exec(master, $"GRANT {role} TO \"{db.App}\"");

        var plan = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");
        var failing = await CliRunner.RunAsync(env, "check", "--auth", "password");
        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password");
        var passing = await CliRunner.RunAsync(env, "check", "--auth", "password");
        var converged = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");

        Assert.True(plan.ExitCode == 2, plan.All);
        Assert.Contains($"remove {db.App} from {role}", plan.StdOut);
        Assert.DoesNotContain("is protected", plan.All);
        Assert.True(failing.ExitCode == 3, failing.All);
        Assert.Contains($"remove {db.App} from {role}", failing.StdOut);
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.True(passing.ExitCode == 0, passing.All);
        Assert.True(converged.ExitCode == 0, converged.All);
    }

    [Theory]
    [InlineData("ALTER ROLE {app} CREATEROLE", "it has CREATEROLE", "ALTER ROLE \"{app}\" WITH NOCREATEROLE")]
    [InlineData("ALTER ROLE {app} SUPERUSER", "it is a superuser", "ALTER ROLE \"{app}\" WITH NOSUPERUSER")]
    [InlineData("GRANT rds_superuser TO {app}", "rds_superuser", "REVOKE \"rds_superuser\" FROM \"{app}\"")]
    public async Task An_administrator_made_by_hand_is_a_finding_that_names_both_ways_out_and_every_other_role_is_still_managed(string drift, string reason, string fix)
    {
        var layout = await DriftLayout.CreateAsync();
        var db = layout.Db;
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, layout.Fill(drift + "; ALTER ROLE {reporting} CONNECTION LIMIT 3; REVOKE USAGE ON SCHEMA app FROM {reporting}"));
        string appRow = $"SELECT row(r.*)::text FROM pg_roles r WHERE rolname = '{db.App}'";
        string before;
        await using (var su = await db.SuperuserAsync())
            before = await TestDatabase.Scalar<string>(su, appRow);

        var plan = await layout.PlanAsync();
        var check = await layout.CheckAsync();
        await db.ApplyAsync(layout.Desired);
        var applied = await layout.PlanAsync();

        var finding = Assert.Single(plan.Findings, f => f.Subject == $"role {db.App}");
        Assert.Contains(reason, finding.Problem);
        Assert.Contains($"Remove \"{db.App}\" from the config", finding.Problem);
        Assert.Contains("adopt: true", finding.Problem);
        Assert.Equal(layout.Fill(fix), finding.FixSql);
        Assert.DoesNotContain(plan.Changes, c => c.Sql.Contains($"\"{db.App}\"", StringComparison.Ordinal));
        Assert.Contains(plan.Changes, c => c.Sql.Contains("CONNECTION LIMIT -1", StringComparison.Ordinal) && c.Sql.Contains(layout.Reporting, StringComparison.Ordinal));
        Assert.Contains(plan.Changes, c => c.Sql == $"GRANT USAGE ON SCHEMA \"app\" TO \"{layout.Reporting}\"");
        var refused = Assert.Single(check.Failures, f => f.Role == db.App);
        Assert.Equal("is not an administrator the configuration does not declare", refused.Name);
        Assert.Contains("adopt: true", refused.Detail);
        // Apply managed the others and left app exactly as it was.
        Assert.True(applied.IsEmpty, string.Join("; ", applied.Changes.Select(c => c.Sql)));
        await using (var su = await db.SuperuserAsync())
            Assert.Equal(before, await TestDatabase.Scalar<string>(su, appRow));

        await layout.ConvergeAsync(); // a superuser takes the power away (the finding's SQL); the next apply converges app
        var after = await layout.CheckAsync();
        Assert.True(after.Passed, DriftLayout.Failed(after));
    }

    [Fact]
    public async Task The_cli_reports_an_administrator_made_by_hand_without_exit_1_and_manages_the_other_role()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        var first = await CliRunner.RunAsync(env, "apply", "--auth", "password");
        Assert.True(first.ExitCode == 0, first.All);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"ALTER ROLE \"{db.App}\" CREATEROLE; ALTER ROLE \"{db.Migrator}\" CONNECTION LIMIT 3");

        var plan = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");
        var check = await CliRunner.RunAsync(env, "check", "--auth", "password");
        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password");
        var after = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");

        Assert.True(plan.ExitCode == 2, plan.All); // migrator's connection limit
        Assert.Contains($"CONNECTION LIMIT -1", plan.StdOut);
        Assert.Contains($"{db.App} is an administrator the configuration does not declare (it has CREATEROLE)", plan.StdOut);
        Assert.Contains("adopt: true", plan.StdOut);
        Assert.True(check.ExitCode == 3, check.All);
        Assert.Contains("is not an administrator the configuration does not declare", check.StdOut);
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.True(after.ExitCode == 0, after.All); // only the finding is left
        Assert.Contains($"ALTER ROLE \"{db.App}\" WITH NOCREATEROLE", after.StdOut);
        await using var conn = await db.SuperuserAsync();
        Assert.Equal(-1, await TestDatabase.Scalar<int>(conn, $"SELECT rolconnlimit FROM pg_roles WHERE rolname = '{db.Migrator}'"));
        Assert.True(await TestDatabase.Scalar<bool>(conn, $"SELECT rolcreaterole FROM pg_roles WHERE rolname = '{db.App}'"));
    }
}
