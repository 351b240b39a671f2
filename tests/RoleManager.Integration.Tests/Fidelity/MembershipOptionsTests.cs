using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Membership options (issue 27): <c>member_of: [{ role, inherit, set, admin }]</c>. ADMIN on every major; INHERIT and SET
/// per membership from 16 (skipped below, where they are refused at plan time). A hand-made option is drift: plan shows the
/// fix, check fails until apply makes it.
/// </summary>
public sealed class MembershipOptionsTests
{
    private static string Readers(TestDatabase db) => db.Prefix + "_readers";

    /// <summary>migrator owns app, readers (NOLOGIN) reads it, reporting is a member of readers as <paramref name="membership"/> says.</summary>
    private static string Yaml(TestDatabase db, string membership) => $$"""
        database: {{db.Name}}
        auth: password
        schemas: [{ name: app, owner: {{db.Migrator}} }]
        roles:
          - { name: {{db.Migrator}}, password_env: MIGRATOR_PASSWORD, search_path: [app] }
          - { name: {{Readers(db)}}, login: false, grants: [{ schema: app, profile: readonly }] }
          - name: {{db.Reporting}}
            password_env: REPORTING_PASSWORD
            member_of: [{{membership.Replace("READERS", Readers(db), StringComparison.Ordinal)}}]
        """;

    private static async Task<(TestDatabase Db, DesiredState Desired)> AppliedAsync(string membership)
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.LoadLayout(Yaml(db, membership));
        await db.ApplyAsync(desired);
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE app.t (id int)");
        return (db, desired);
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser acting as the master (the grantor a DBA on RDS would be).</summary>
    private static async Task AsMasterAsync(TestDatabase db, string sql)
    {
        await using var superuser = await db.SuperuserAsync();
        await TestDatabase.Exec(superuser, $"SET ROLE {PostgresServer.MasterUser}; {sql}; RESET ROLE");
    }

    private static async Task<bool> AskAsync(TestDatabase db, string expression)
    {
        await using var superuser = await db.SuperuserAsync();
        return await FidelityRuns.AskAsync(superuser, expression);
    }

    /// <summary>Plan shows <paramref name="fix"/>, check fails on the membership; apply fixes it; then plan is empty and check passes.</summary>
    private static async Task AssertDriftCorrectedAsync(TestDatabase db, DesiredState desired, string fix)
    {
        var plan = (await db.PlanAsync(desired)).Plan;
        Assert.Contains(fix, plan.Changes.Select(c => c.Sql));
        var (_, before) = await FidelityRuns.CheckAsync(db, desired);
        Assert.False(before.Passed);
        Assert.Contains(before.Failures, f => f.Role == db.Reporting && f.Name.StartsWith($"is a member of {Readers(db)} with", StringComparison.Ordinal));
        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
    }

    [Fact]
    public async Task An_admin_option_granted_by_hand_on_a_declared_membership_is_drift_that_apply_revokes()
    {
        var (db, desired) = await AppliedAsync("READERS");
        await AsMasterAsync(db, $"GRANT {Readers(db)} TO {db.Reporting} WITH ADMIN OPTION");
        string grantedBy = db.Server.VersionNum >= 160000 ? $" GRANTED BY \"{PostgresServer.MasterUser}\"" : "";
        await AssertDriftCorrectedAsync(db, desired, $"REVOKE ADMIN OPTION FOR \"{Readers(db)}\" FROM \"{db.Reporting}\"{grantedBy}");
        Assert.False(await AskAsync(db, $"pg_has_role('{db.Reporting}', '{Readers(db)}', 'USAGE WITH ADMIN OPTION')"));
    }

    [Fact]
    public async Task A_declared_admin_option_is_granted_on_every_major_and_check_passes()
    {
        var (db, desired) = await AppliedAsync("{ role: READERS, admin: true }");
        Assert.True(await AskAsync(db, $"pg_has_role('{db.Reporting}', '{Readers(db)}', 'USAGE WITH ADMIN OPTION')"));
        Assert.True((await db.PlanAsync(desired)).Plan.IsConverged);
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
        Assert.Contains(check.Assertions, a => a.Role == db.Reporting && a.Name.StartsWith($"is a member of {Readers(db)} with", StringComparison.Ordinal) && a.Name.Contains("ADMIN TRUE", StringComparison.Ordinal));
    }

    [Since16Fact]
    public async Task A_membership_without_inherit_and_set_gives_nothing_through_it_and_check_passes()
    {
        var (db, desired) = await AppliedAsync("{ role: READERS, inherit: false, set: false }");
        await db.ApplyAsync(desired);
        Assert.True(await AskAsync(db, $"has_table_privilege('{Readers(db)}', 'app.t', 'SELECT')"));
        Assert.False(await AskAsync(db, $"has_table_privilege('{db.Reporting}', 'app.t', 'SELECT')"));
        Assert.False(await AskAsync(db, $"pg_has_role('{db.Reporting}', '{Readers(db)}', 'SET')"));
        await using (var reporting = await db.LoginAsync(db.Reporting))
        {
            Assert.Equal("42501", await TestDatabase.SqlStateOf(reporting, "SELECT id FROM app.t"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(reporting, $"SET ROLE {Readers(db)}"));
        }
        Assert.True((await db.PlanAsync(desired)).Plan.IsConverged);
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
    }

    [Since16Fact]
    public async Task Inherit_and_set_taken_away_by_hand_are_drift_that_apply_gives_back()
    {
        var (db, desired) = await AppliedAsync("READERS");
        await AsMasterAsync(db, $"GRANT {Readers(db)} TO {db.Reporting} WITH INHERIT FALSE, SET FALSE");
        Assert.False(await AskAsync(db, $"has_table_privilege('{db.Reporting}', 'app.t', 'SELECT')"));
        await AssertDriftCorrectedAsync(db, desired, $"GRANT \"{Readers(db)}\" TO \"{db.Reporting}\" WITH INHERIT TRUE, SET TRUE");
        Assert.True(await AskAsync(db, $"has_table_privilege('{db.Reporting}', 'app.t', 'SELECT')"));
        Assert.True(await AskAsync(db, $"pg_has_role('{db.Reporting}', '{Readers(db)}', 'SET')"));
    }

    [Since16Fact]
    public async Task Inherit_given_by_hand_where_the_config_says_false_is_drift_that_apply_revokes()
    {
        var (db, desired) = await AppliedAsync("{ role: READERS, inherit: false }");
        await AsMasterAsync(db, $"GRANT {Readers(db)} TO {db.Reporting} WITH INHERIT TRUE");
        Assert.True(await AskAsync(db, $"has_table_privilege('{db.Reporting}', 'app.t', 'SELECT')"));
        await AssertDriftCorrectedAsync(db, desired, $"REVOKE INHERIT OPTION FOR \"{Readers(db)}\" FROM \"{db.Reporting}\" GRANTED BY \"{PostgresServer.MasterUser}\"");
        Assert.False(await AskAsync(db, $"has_table_privilege('{db.Reporting}', 'app.t', 'SELECT')"));
        Assert.True(await AskAsync(db, $"pg_has_role('{db.Reporting}', '{Readers(db)}', 'SET')"));
    }

    [Since16Fact]
    public async Task The_cli_plan_exits_2_and_check_exits_3_on_a_membership_option_changed_by_hand()
    {
        var (db, desired) = await AppliedAsync("{ role: READERS, set: false }");
        string file = Path.Combine(Path.GetTempPath(), $"members-{db.Name}.yaml");
        await File.WriteAllTextAsync(file, Yaml(db, "{ role: READERS, set: false }"));
        await AsMasterAsync(db, $"GRANT {Readers(db)} TO {db.Reporting} WITH SET TRUE");

        var plan = await CliRunner.RunAsync(CliEnvironment.Master(db), ["plan", "--config", file, "--detailed-exitcode"]);
        Assert.Equal(2, plan.ExitCode);
        Assert.Contains($"REVOKE SET OPTION FOR \"{Readers(db)}\" FROM \"{db.Reporting}\"", plan.StdOut);
        var check = await CliRunner.RunAsync(CliEnvironment.Master(db), ["check", "--config", file]);
        Assert.Equal(3, check.ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(CliEnvironment.Master(db), ["apply", "--config", file])).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(CliEnvironment.Master(db), ["check", "--config", file])).ExitCode);
    }

    [Before16Fact]
    public async Task Before_16_inherit_false_stops_the_plan_with_the_role_the_group_and_the_way_out()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.LoadLayout(Yaml(db, "{ role: READERS, inherit: false }"));
        var ex = await Assert.ThrowsAsync<PlanException>(() => db.PlanAsync(desired));
        Assert.Contains($"Role \"{db.Reporting}\" declares its membership in \"{Readers(db)}\" with inherit: false, which needs PostgreSQL 16 or later", ex.Message, StringComparison.Ordinal);
    }
}
