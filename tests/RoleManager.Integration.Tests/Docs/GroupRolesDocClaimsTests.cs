using RoleManager.Integration.Tests.Fidelity;
using RoleManager.Model;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// docs/group-roles.md on a real server set up like RDS: what happens to a generated group's membership that someone
/// changes by hand on PostgreSQL 16+ (where INHERIT is an option of each membership).
/// </summary>
public sealed class GroupRolesDocClaimsTests
{
    private static string Group(TestDatabase db) => RoleManager.Config.GroupRoles.Name(db.Name, "app", Profile.ReadOnly, false);

    /// <summary>app and reporting both read schema app, so (in auto mode) through one group role.</summary>
    private static DesiredState TwoReaders(TestDatabase db) => db.LoadLayout($$"""
        database: {{db.Name}}
        auth: password
        schemas: [{ name: app, owner: {{db.Migrator}} }]
        roles:
          - { name: {{db.Migrator}}, password_env: MIGRATOR_PASSWORD, search_path: [app] }
          - { name: {{db.App}}, password_env: APP_PASSWORD, grants: [{ schema: app, profile: readonly }] }
          - { name: {{db.Reporting}}, password_env: REPORTING_PASSWORD, grants: [{ schema: app, profile: readonly }] }
        """);

    [Since16Fact]
    public async Task On_16_and_later_a_group_membership_re_granted_by_hand_without_inherit_is_drift_that_plan_shows_check_fails_and_apply_puts_back()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = TwoReaders(db);
        Assert.Contains(desired.Roles, r => r.Name == Group(db) && r.GeneratedGroup is not null);
        await db.ApplyAsync(desired);
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE app.t (id int)");
        await using (var superuser = await db.SuperuserAsync())
        {
            // The master (the grantor on RDS) re-grants the membership without INHERIT: reporting no longer reads app.t.
            await TestDatabase.Exec(superuser, $"SET ROLE \"{PostgresServer.MasterUser}\"; GRANT \"{Group(db)}\" TO \"{db.Reporting}\" WITH INHERIT FALSE; RESET ROLE");
            Assert.False(await FidelityRuns.AskAsync(superuser, $"has_table_privilege('{db.Reporting}', 'app.t', 'SELECT')"));
        }

        var plan = (await db.PlanAsync(desired)).Plan;
        var (_, before) = await FidelityRuns.CheckAsync(db, desired);
        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);

        Assert.Contains(plan.Changes, c => c.Sql.StartsWith($"GRANT \"{Group(db)}\" TO \"{db.Reporting}\" WITH INHERIT TRUE", StringComparison.Ordinal));
        Assert.False(before.Passed);
        Assert.Contains(before.Failures, f => f.Role == db.Reporting);
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        Assert.True(check.Passed, FidelityRuns.Failures(check));
        await using (var superuser = await db.SuperuserAsync())
            Assert.True(await FidelityRuns.AskAsync(superuser, $"has_table_privilege('{db.Reporting}', 'app.t', 'SELECT')"));
    }
}
