using RoleManager.Config;
using RoleManager.Inspect;
using RoleManager.Model;
using RoleManager.Reporting;
using static RoleManager.Integration.Tests.Cluster.ClusterRuns;

namespace RoleManager.Integration.Tests.Cluster;

/// <summary>
/// Issue 28: one cluster, several databases, one config (and one run) per database. Roles, memberships and role settings
/// are cluster-wide, so each run must change cluster-wide state only where its config owns it
/// (docs/architecture.md, "Who owns cluster-wide state"): whichever database is applied last, every database stays
/// converged — its check passes and its plan is empty.
/// </summary>
public sealed class SeparateRunsTests
{
    /// <summary>The grant_mode documentation's example: alice and bob share readonly on app, so auto makes a group role per database.</summary>
    private static DesiredState SharedReaders(TestDatabase db, bool bobReads = true) => AppLayout(db, $$"""
        { name: {{db.Prefix}}_alice, password_env: {{db.Prefix}}_alice, grants: [{ schema: app, profile: readonly }] }
          - { name: {{db.Prefix}}_bob, password_env: {{db.Prefix}}_bob{{(bobReads ? ", grants: [{ schema: app, profile: readonly }]" : "")}} }
        """);

    [Fact]
    public async Task Two_databases_with_the_same_layout_applied_alternately_stay_converged_and_keep_each_others_group_members()
    {
        var db1 = await TestDatabase.CreateAsync();
        var db2 = await NeighbourAsync(db1);
        await db1.ApplyAsync(SharedReaders(db1));
        await db2.ApplyAsync(SharedReaders(db2));

        for (int round = 1; round <= 2; round++)
        {
            await AssertConvergedAsync(db1, SharedReaders(db1), $"round {round}, after applying {db2.Name}");
            await AssertConvergedAsync(db2, SharedReaders(db2), $"round {round}, after applying {db2.Name}");
            var again = await db1.ApplyAsync(SharedReaders(db1));
            Assert.DoesNotContain(again.Plan.Changes, c => c.Sql.Contains(RoleManager.Config.GroupRoles.Name(db2.Name, "app", Profile.ReadOnly, false), StringComparison.Ordinal));
            await AssertConvergedAsync(db2, SharedReaders(db2), $"round {round}, after applying {db1.Name}");
            await AssertConvergedAsync(db1, SharedReaders(db1), $"round {round}, after applying {db1.Name}");
            await db2.ApplyAsync(SharedReaders(db2));
        }
    }

    [Fact]
    public async Task A_reader_declared_in_one_database_only_keeps_its_group_membership_when_the_other_database_is_applied()
    {
        var db1 = await TestDatabase.CreateAsync();
        var db2 = await NeighbourAsync(db1);
        await db1.ApplyAsync(SharedReaders(db1));
        // In db2 bob is declared but reads nothing: only alice holds readonly there, so it stays direct.
        await db2.ApplyAsync(SharedReaders(db2, bobReads: false));

        await AssertConvergedAsync(db1, SharedReaders(db1), $"after applying {db2.Name}");
        await db1.ApplyAsync(SharedReaders(db1));
        await AssertConvergedAsync(db2, SharedReaders(db2, bobReads: false), $"after applying {db1.Name}");
    }

    [Fact]
    public async Task A_mark_copied_onto_another_role_does_not_keep_a_membership_in_it()
    {
        var db1 = await TestDatabase.CreateAsync();
        await db1.ApplyAsync(SharedReaders(db1));
        string impostor = $"{db1.Prefix}_impostor";
        await using (var su = await db1.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE ROLE \"{impostor}\" NOLOGIN; " +
                $"COMMENT ON ROLE \"{impostor}\" IS 'RoleManager group role: readonly on schema app in database elsewhere'; GRANT \"{impostor}\" TO \"{db1.Prefix}_alice\"");

        var plan = (await db1.PlanAsync(SharedReaders(db1))).Plan;

        // A change where the master may revoke it; on 16+ a superuser's grant is the master's to report, not to revoke.
        // On 16+ the revoke names its grantor (GRANTED BY ...), so the statement holds the revoke.
        Assert.Contains(plan.Changes.Select(c => c.Sql).Concat(plan.Findings.Select(f => f.FixSql)),
            sql => sql is not null && sql.Contains($"REVOKE \"{impostor}\" FROM \"{db1.Prefix}_alice\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_default_layout_on_two_databases_with_different_schemas_stays_converged_whichever_is_applied_last()
    {
        var orders = await TestDatabase.CreateAsync();
        var billing = await NeighbourAsync(orders);
        var ordersLayout = orders.DefaultLayout(schema: "orders");
        var billingLayout = billing.DefaultLayout(schema: "billing");

        for (int round = 1; round <= 2; round++)
        {
            await orders.ApplyAsync(ordersLayout);
            await billing.ApplyAsync(billingLayout);
            await AssertConvergedAsync(orders, ordersLayout, $"round {round}, after applying billing");
            await AssertConvergedAsync(billing, billingLayout, $"round {round}, after applying billing");
            await orders.ApplyAsync(ordersLayout);
            await AssertConvergedAsync(billing, billingLayout, $"round {round}, after applying orders");
            await AssertConvergedAsync(orders, ordersLayout, $"round {round}, after applying orders");
        }
    }

    [Fact]
    public async Task Applying_what_inspect_printed_for_one_database_does_not_unsettle_another()
    {
        var appdb = await TestDatabase.CreateAsync();
        var db2 = await NeighbourAsync(appdb);
        await appdb.ApplyAsync(appdb.DefaultLayout());
        // db2 has the same roles (cluster-wide) and no schema app: inspect it with the default layout's scope. PUBLIC's
        // CONNECT (and, before 15, its CREATE on public) go first, by hand: inspect prints only what a config can say
        // exactly, and a config cannot keep PUBLIC's.
        await using (var super = await db2.SuperuserAsync())
            await TestDatabase.Exec(super, $"REVOKE CONNECT, TEMPORARY ON DATABASE \"{db2.Name}\" FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        var scope = db2.DefaultLayout();
        var current = await db2.Engine().InspectAsync(InspectionScope.For(scope), CancellationToken.None);
        string yaml = InspectYaml.Write(scope, current);

        // The roles' own passwords (APP_PASSWORD etc.): the engine proves each by a login, so another value is drift.
        await db2.ApplyAsync(ConfigLoader.Load(yaml, "inspected.yaml", name => appdb.Environment(name) ?? TestDatabase.Password(name), new()));

        await AssertConvergedAsync(appdb, appdb.DefaultLayout(), "after applying the inspected config of " + db2.Name + ":\n" + yaml);
    }

    [Fact]
    public async Task Extensions_declared_in_two_databases_stay_in_their_own_database()
    {
        var db1 = await TestDatabase.CreateAsync();
        var db2 = await NeighbourAsync(db1);
        DesiredState Layout(TestDatabase db, string extension) => Load($$"""
            database: {{db.Name}}
            auth: password
            schemas: [{ name: app, owner: {{db.Migrator}} }, { name: ext, owner: {{db.Migrator}} }]
            roles:
              - { name: {{db.Migrator}}, password_env: {{db.Migrator}}, search_path: [app] }
              - { name: {{db.App}}, password_env: {{db.App}}, search_path: [app, ext], grants: [{ schema: app, profile: readwrite }] }
            extensions: [{ name: {{extension}}, schema: ext }]
            """);

        await db1.ApplyAsync(Layout(db1, "citext"));
        await db2.ApplyAsync(Layout(db2, "pg_trgm"));
        await db1.ApplyAsync(Layout(db1, "citext"));

        var plan1 = (await db1.PlanAsync(Layout(db1, "citext"))).Plan;
        var plan2 = (await db2.PlanAsync(Layout(db2, "pg_trgm"))).Plan;
        Assert.True(plan1.IsEmpty, string.Join("\n", plan1.Changes.Select(c => c.Sql)));
        Assert.True(plan2.IsEmpty, string.Join("\n", plan2.Changes.Select(c => c.Sql)));
        await using var su1 = await db1.SuperuserAsync();
        await using var su2 = await db2.SuperuserAsync();
        Assert.Equal("citext", await TestDatabase.Scalar<string>(su1, "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'"));
        Assert.Equal("pg_trgm", await TestDatabase.Scalar<string>(su2, "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'"));
    }
}
