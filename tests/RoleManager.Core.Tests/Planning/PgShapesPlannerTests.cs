using System.Collections.Immutable;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>Issue 14 and the protected-role rule of issue 12, on the pure planner.</summary>
public class PgShapesPlannerTests
{
    private static DesiredState Layout(AuthMode auth = AuthMode.Iam) =>
        DefaultLayout.Build(new DefaultLayoutOptions("appdb", Auth: auth, AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));

    private static MasterFacts Facts(string selfGrant = "", string[]? superusers = null, MasterMembership[]? memberships = null,
        string[]? adminOf = null, string[]? available = null, Dictionary<string, string[]>? privileged = null) =>
        new(selfGrant, false, false, (superusers ?? ["rdsadmin"]).ToImmutableHashSet(), (available ?? ["plpgsql", "pgcrypto"]).ToImmutableHashSet(),
            (memberships ?? []).ToImmutableArray(), (adminOf ?? ["rds_iam", "app", "migrator"]).ToImmutableHashSet(),
            (privileged ?? new()).ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableArray()));

    private static List<string> Sql(Plan plan) => plan.Changes.Select(c => c.Sql).ToList();

    [Fact]
    public void A_public_schema_owned_by_a_superuser_is_a_finding_with_the_revoke_and_never_an_acting_as_grant()
    {
        var current = CatalogBuilder.Converged().Schema("public", "rdsadmin", (CurrentState.Public, Privilege.Usage | Privilege.Create)).Build()
            with { MasterFacts = Facts() };

        var plan = Planner.Plan(Layout(), current);

        Assert.True(plan.IsEmpty);
        var finding = Assert.Single(plan.Findings);
        Assert.Equal("schema public", finding.Subject);
        Assert.Equal("""REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;""", finding.FixSql);
    }

    [Fact]
    public void The_rest_of_the_plan_still_applies_when_one_change_needs_a_superuser()
    {
        var current = new CatalogBuilder().Schema("public", "rdsadmin", (CurrentState.Public, Privilege.Usage | Privilege.Create)).Build()
            with { MasterFacts = Facts() };

        var plan = Planner.Plan(Layout(), current);

        Assert.Contains("""CREATE SCHEMA "app" AUTHORIZATION "migrator" """.TrimEnd(), Sql(plan));
        Assert.DoesNotContain(plan.Changes, c => c.Sql.Contains("rdsadmin") || c.Sql.Contains("\"public\""));
        Assert.Single(plan.Findings);
    }

    [Fact]
    public void On_16_a_membership_the_master_granted_itself_gets_its_options_back_instead_of_a_revoke()
    {
        var current = CatalogBuilder.Converged().Build() with
        {
            Server = CatalogBuilder.Converged().Build().Server with { VersionNum = 160000 },
            MasterFacts = Facts(memberships: [new("migrator", true, false, false, GrantedByMaster: true)]),
        };
        var desired = Layout() with { Roles = Layout().Roles.Select(r => r.Name == "app" ? r with { ConnectionLimit = 5 } : r).ToImmutableArray() };
        // A table migrator owns with no grant for app: the master must act as migrator to grant it.
        current = current with { Objects = [new DbObject("app", "t", "", ObjectKind.Table, "migrator", false, ImmutableDictionary<string, Privilege>.Empty)] };

        var plan = Planner.Plan(desired, current);

        Assert.Contains("""GRANT "migrator" TO CURRENT_USER WITH INHERIT TRUE, SET TRUE""", Sql(plan));
        Assert.Equal("""GRANT "migrator" TO CURRENT_USER WITH INHERIT FALSE, SET FALSE""", plan.Changes[^1].Sql);
        Assert.DoesNotContain("""REVOKE "migrator" FROM CURRENT_USER""", Sql(plan));
    }

    [Fact]
    public void On_16_with_createrole_self_grant_set_and_inherit_new_roles_need_no_temporary_membership()
    {
        var current = new CatalogBuilder { Version = 170000 }.Build() with { MasterFacts = Facts("set, inherit") };
        var plan = Planner.Plan(Layout(), current);
        Assert.DoesNotContain(plan.Changes, c => c.Kind is ChangeKind.BeginActingAs or ChangeKind.EndActingAs);
    }

    [Fact]
    public void On_16_with_createrole_self_grant_set_only_the_self_granted_options_are_put_back()
    {
        var current = new CatalogBuilder { Version = 160000 }.Build() with { MasterFacts = Facts("set") };
        var plan = Planner.Plan(Layout(), current);
        Assert.Equal("""GRANT "migrator" TO CURRENT_USER WITH INHERIT FALSE, SET TRUE""", plan.Changes[^1].Sql);
    }

    [Fact]
    public void Before_16_a_membership_the_master_already_has_is_never_granted_nor_revoked()
    {
        var builder = CatalogBuilder.Converged().Table("app", "t", "migrator");
        var current = builder.Build() with { MasterFacts = Facts(memberships: [new("migrator", true, null, null, GrantedByMaster: false)]) };
        var plan = Planner.Plan(Layout(), current);
        Assert.NotEmpty(plan.Changes);
        Assert.DoesNotContain(plan.Changes, c => c.Kind is ChangeKind.BeginActingAs or ChangeKind.EndActingAs);
    }

    [Theory]
    [InlineData("master", "connected (master) user")]
    [InlineData("rds_custom", "rds_* and pg_* roles")]
    public void Declaring_a_protected_role_is_refused_without_adopt(string name, string reason)
    {
        var desired = Layout() with { Roles = Layout().Roles.Add(Layout().Roles[0] with { Name = name }) };
        var ex = Assert.Throws<PlanException>(() => Planner.Plan(desired, CatalogBuilder.Converged().Role("master").Role("rds_custom").Build()));
        Assert.Contains($"\"{name}\" is protected", ex.Message);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void A_membership_through_a_declared_group_into_a_privileged_role_is_refused_unless_the_member_is_adopted()
    {
        var roles = Layout().Roles;
        var desired = Layout() with
        {
            Roles = roles.Select(r => r.Name == "app" ? r with { MemberOf = ["middle"] } : r)
                .Append(roles[0] with { Name = "middle", Login = false, Grants = [], MemberOf = ["ops"] })
                .Append(roles[0] with { Name = "ops", Login = false, Grants = [], Adopt = true }).ToImmutableArray(),
        };
        var current = CatalogBuilder.Converged().Role("ops").Build() with
        {
            MasterFacts = Facts(privileged: new() { ["ops"] = ["rds_superuser"] }),
        };

        var ex = Assert.Throws<PlanException>(() => Planner.Plan(desired, current));
        Assert.Contains("\"app\" may not be made a member of \"middle\"", ex.Message);
        Assert.Contains("\"middle\" may not be made a member of \"ops\"", ex.Message);

        var adopted = desired with { Roles = desired.Roles.Select(r => r.Name is "app" or "middle" ? r with { Adopt = true } : r).ToImmutableArray() };
        Planner.Plan(adopted, current);
    }

    [Fact]
    public void An_extension_the_server_does_not_offer_is_refused_by_name()
    {
        var desired = Layout() with { Extensions = ["vector"] };
        var ex = Assert.Throws<PlanException>(() => Planner.Plan(desired, CatalogBuilder.Converged().Build() with { MasterFacts = Facts() }));
        Assert.Contains("\"vector\"", ex.Message);
        Assert.Contains("pg_available_extensions", ex.Message);
    }

    [Fact]
    public void Extensions_take_a_schema_and_default_to_the_first_managed_schema()
    {
        var desired = ConfigLoader.Load("""
            database: appdb
            auth: none
            schemas: [{name: app, owner: migrator}, {name: ext, owner: migrator}]
            roles: [{name: migrator}]
            extensions: [pgcrypto, {name: citext, schema: ext}]
            """, "t.yaml", _ => null, new ConfigDefaults());
        Assert.Equal(["pgcrypto", "citext"], desired.Extensions.ToArray());
        Assert.Equal("app", desired.ExtensionSchema("pgcrypto"));
        Assert.Equal("ext", desired.ExtensionSchema("citext"));

        var bad = Assert.Throws<ConfigException>(() => ConfigLoader.Load("database: appdb\nextensions: [{name: citext, schema: nowhere}]\n", "t.yaml", _ => null, new ConfigDefaults()));
        Assert.Contains("\"nowhere\"", bad.Message);
    }

    [Fact]
    public void Adopt_is_read_from_the_config()
    {
        var desired = ConfigLoader.Load("database: appdb\nauth: none\nroles: [{name: ops, adopt: true}, {name: app}]\n", "t.yaml", _ => null, new ConfigDefaults());
        Assert.True(desired.FindRole("ops")!.Adopt);
        Assert.False(desired.FindRole("app")!.Adopt);
    }
}
