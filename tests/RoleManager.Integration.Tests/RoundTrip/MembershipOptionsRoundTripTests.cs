using RoleManager.Config;
using RoleManager.Inspect;
using RoleManager.Model;
using RoleManager.Reporting;

namespace RoleManager.Integration.Tests.RoundTrip;

/// <summary>
/// inspect prints membership options it reads (issue 27) instead of refusing: a database made by hand with plain SQL,
/// whose memberships carry ADMIN (every major) and, on 16+, INHERIT FALSE and SET FALSE, prints a config that plans
/// nothing there, and applying it changes no has_*_privilege answer and no membership option.
/// </summary>
public class MembershipOptionsRoundTripTests
{
    [Fact]
    public async Task Inspect_prints_membership_options_that_round_trip_to_an_empty_plan_and_grant_nothing_new()
    {
        var db = await TestDatabase.CreateAsync();
        string readers = db.Prefix + "_readers", owners = db.Prefix + "_owners";
        bool options = db.Server.VersionNum >= 160000;
        // The groups as the master makes them on RDS (on 16+ it then holds ADMIN on them), the memberships granted by it.
        await InspectAdoptionTests.BuildAsync(db, $"""
            SET ROLE {PostgresServer.MasterUser}; CREATE ROLE {readers} NOLOGIN; CREATE ROLE {owners} NOLOGIN; RESET ROLE;
            GRANT USAGE ON SCHEMA app TO {readers}; GRANT SELECT ON app.t1 TO {readers};
            SET ROLE {PostgresServer.MasterUser};
            GRANT {readers} TO {db.App} WITH ADMIN OPTION;
            {(options ? $"GRANT {owners} TO {db.App} WITH INHERIT FALSE, SET TRUE; GRANT {readers} TO {db.Migrator} WITH SET FALSE;" : $"GRANT {owners} TO {db.App};")}
            RESET ROLE;
            """);
        var scope = InspectAdoptionTests.Scope(db, $"  - {{ name: {readers}, login: false }}\n  - {{ name: {owners}, login: false }}");

        var current = await db.Engine().InspectAsync(InspectionScope.For(scope), CancellationToken.None);
        string yaml = InspectYaml.Write(scope, current);

        Assert.Contains($"{{role: {readers}, inherit: true, set: true, admin: true}}", yaml.Replace("{ ", "{").Replace(" }", "}"));
        if (options)
        {
            Assert.Contains($"{{role: {owners}, inherit: false, set: true, admin: false}}", yaml.Replace("{ ", "{").Replace(" }", "}"));
            Assert.Contains($"{{role: {readers}, inherit: true, set: false, admin: false}}", yaml.Replace("{ ", "{").Replace(" }", "}"));
        }
        var adopted = ConfigLoader.Load(yaml, "inspected.yaml", db.Environment, new ConfigDefaults());
        var roundTrip = (await db.PlanAsync(adopted)).Plan;
        Assert.True(roundTrip.IsConverged, yaml + "\n" + string.Join("\n", roundTrip.Changes.Select(c => c.Sql)));
        string[] roles = [db.Migrator, db.App, readers, owners];
        var before = await InspectAdoptionTests.WhatEachRoleCanDoAsync(db, roles);
        string membershipsBefore = await MembershipsAsync(db);
        await db.ApplyAsync(adopted);
        Assert.Equal(before.Order(StringComparer.Ordinal), (await InspectAdoptionTests.WhatEachRoleCanDoAsync(db, roles)).Order(StringComparer.Ordinal));
        Assert.Equal(membershipsBefore, await MembershipsAsync(db));
        var (_, check) = await db.Engine().CheckAsync(adopted, new Check.PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        Assert.True(check.Passed, yaml + "\n" + string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
    }

    /// <summary>Every membership of the test's roles with its options (NULL before 16), one line each.</summary>
    private static async Task<string> MembershipsAsync(TestDatabase db)
    {
        await using var su = await db.SuperuserAsync();
        return await TestDatabase.Scalar<string>(su, $"""
            SELECT coalesce(string_agg(r.rolname || ' in ' || g.rolname || ' admin=' || m.admin_option
                   || ' inherit=' || coalesce(to_jsonb(m) ->> 'inherit_option', '-') || ' set=' || coalesce(to_jsonb(m) ->> 'set_option', '-'), E'\n'
                   ORDER BY r.rolname, g.rolname, m.grantor), '')
            FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
            WHERE r.rolname LIKE '{db.Prefix}%'
            """);
    }
}
