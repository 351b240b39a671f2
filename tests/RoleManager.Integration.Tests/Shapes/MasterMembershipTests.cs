using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Shapes;

/// <summary>
/// Issue 14: the memberships the master already has are left exactly as they were, options included, on every major:
/// the temporary acting-as grant is added only when missing, and only what it added is taken away.
/// </summary>
public class MasterMembershipTests
{
    [Fact]
    public async Task With_createrole_self_grant_the_master_keeps_the_memberships_creating_the_roles_gave_it()
    {
        var db = await TestDatabase.CreateAsync();
        if (db.Server.VersionNum < 160000) return; // createrole_self_grant exists from PostgreSQL 16
        await ShapeSql.SetCreateroleSelfGrantAsync(db);

        var result = await db.ApplyAsync(db.DefaultLayout());

        Assert.True(result.Committed);
        Assert.DoesNotContain(result.Plan.Changes, c => c.Sql.StartsWith("REVOKE \"" + db.Migrator));
        var rows = await ShapeSql.MasterMembershipsAsync(db);
        foreach (var role in new[] { db.Migrator, db.App })
            Assert.Contains(rows, r => r.StartsWith($"{role} grantor={PostgresServer.MasterUser} ") && r.Contains("\"set_option\": true") && r.Contains("\"inherit_option\": true"));
        await using var master = await db.MasterAsync();
        await TestDatabase.Exec(master, $"SET ROLE {db.Migrator}");
        await TestDatabase.Exec(master, $"SET ROLE {db.App}");
    }

    [Fact]
    public async Task With_createrole_self_grant_set_only_the_master_gets_its_set_only_membership_back()
    {
        var db = await TestDatabase.CreateAsync();
        if (db.Server.VersionNum < 160000) return;
        await ShapeSql.SetCreateroleSelfGrantAsync(db, "set");

        var result = await db.ApplyAsync(db.DefaultLayout());

        Assert.True(result.Committed);
        var rows = await ShapeSql.MasterMembershipsAsync(db);
        Assert.Contains(rows, r => r.StartsWith($"{db.Migrator} grantor={PostgresServer.MasterUser} ") && r.Contains("\"set_option\": true") && r.Contains("\"inherit_option\": false"));
        Assert.True((await db.PlanAsync(db.DefaultLayout())).Plan.IsEmpty);
    }

    [Fact]
    public async Task A_membership_the_master_already_has_is_exactly_the_same_after_an_apply()
    {
        var db = await TestDatabase.CreateAsync();
        // The master created migrator earlier (16+: a membership with ADMIN only, granted by the bootstrap superuser) and
        // granted itself one with SET but not INHERIT (before 16: a superuser made it a member WITH ADMIN OPTION).
        await using (var master = await db.MasterAsync())
        {
            await TestDatabase.Exec(master, $"CREATE ROLE {db.Migrator} LOGIN PASSWORD '{TestDatabase.Password(db.Migrator)}'");
            if (db.Server.VersionNum >= 160000)
                await TestDatabase.Exec(master, $"GRANT {db.Migrator} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE");
        }
        if (db.Server.VersionNum < 160000)
            await using (var su = await db.SuperuserAsync())
                await TestDatabase.Exec(su, $"GRANT {db.Migrator} TO {PostgresServer.MasterUser} WITH ADMIN OPTION");
        var before = await ShapeSql.MasterMembershipsAsync(db);
        Assert.Contains(before, r => r.StartsWith(db.Migrator + " "));

        var result = await db.ApplyAsync(db.DefaultLayout());

        Assert.True(result.Committed);
        Assert.Equal(before.Where(r => r.StartsWith(db.Migrator + " ")), (await ShapeSql.MasterMembershipsAsync(db)).Where(r => r.StartsWith(db.Migrator + " ")));
        Assert.True((await db.PlanAsync(db.DefaultLayout())).Plan.IsEmpty);
    }
}
