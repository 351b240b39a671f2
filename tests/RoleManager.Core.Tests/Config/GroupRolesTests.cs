using System.Text;
using Json.Schema;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>grant_mode: the desugaring of grants into per-schema group roles (Config/GroupRoles.cs) and how the planner treats them.</summary>
public class GroupRolesTests
{
    private static DesiredState Load(string yaml, GrantMode fallback = GrantMode.Auto) =>
        ConfigLoader.Load(yaml, "test.yaml", _ => null, new ConfigDefaults(GrantMode: fallback));

    private static string Readers(int count, string mode = "", string schemaMode = "") => $"""
        database: appdb
        {mode}
        schemas:
          - {"{"} name: app, owner: migrator{schemaMode} {"}"}
        roles:
          - {"{"} name: migrator, auth: none {"}"}
          - {"{"} name: app, auth: none, grants: [{"{"} schema: app, profile: readwrite {"}"}] {"}"}
        {string.Concat(Enumerable.Range(1, count).Select(i => $"  - {{ name: reader{i}, auth: none, grants: [{{ schema: app, profile: readonly }}] }}\n"))}
        """;

    [Fact]
    public void In_auto_mode_a_grant_two_roles_share_goes_through_one_nologin_group_role()
    {
        var state = Load(Readers(2));

        var group = Assert.Single(state.Roles, r => r.GeneratedGroup is not null);
        Assert.Equal("appdb_app_readonly", group.Name);
        Assert.False(group.Login);
        Assert.Empty(group.DatabasePrivileges);
        Assert.Equal([new GrantSpec("app", Profile.ReadOnly)], group.Grants.ToArray());
        Assert.Equal(new GroupRoleOrigin("appdb", "app", Profile.ReadOnly, false), group.GeneratedGroup);
        foreach (var reader in new[] { "reader1", "reader2" })
        {
            Assert.Empty(state.FindRole(reader)!.Grants);
            Assert.Equal(["appdb_app_readonly"], state.FindRole(reader)!.MemberOf.ToArray());
        }
        // The single readwrite role keeps its grant.
        Assert.Equal([new GrantSpec("app", Profile.ReadWrite)], state.FindRole("app")!.Grants.ToArray());
        Assert.Empty(state.FindRole("app")!.MemberOf);
    }

    [Fact]
    public void In_auto_mode_a_grant_only_one_role_holds_stays_direct()
    {
        var state = Load(Readers(1));

        Assert.DoesNotContain(state.Roles, r => r.GeneratedGroup is not null);
        Assert.Equal([new GrantSpec("app", Profile.ReadOnly)], state.FindRole("reader1")!.Grants.ToArray());
    }

    [Fact]
    public void Direct_mode_never_makes_a_group_and_groups_mode_makes_one_for_every_granted_profile()
    {
        Assert.DoesNotContain(Load(Readers(3, "grant_mode: direct")).Roles, r => r.GeneratedGroup is not null);

        var groups = Load(Readers(1, "grant_mode: groups"));
        Assert.Equal(["appdb_app_readwrite", "appdb_app_readonly"], groups.Roles.Where(r => r.GeneratedGroup is not null).Select(r => r.Name));
        Assert.Equal(["appdb_app_readwrite"], groups.FindRole("app")!.MemberOf.ToArray());
        // The schema owner holds no grant: it owns the schema, and never gets a group for it.
        Assert.Empty(groups.FindRole("migrator")!.MemberOf);
    }

    [Fact]
    public void A_schema_grant_mode_overrides_the_top_level_one()
    {
        Assert.DoesNotContain(Load(Readers(3, "grant_mode: groups", ", grant_mode: direct")).Roles, r => r.GeneratedGroup is not null);
        Assert.Contains(Load(Readers(1, "grant_mode: direct", ", grant_mode: groups")).Roles, r => r.Name == "appdb_app_readonly");
    }

    [Fact]
    public void The_fallback_mode_applies_when_the_config_sets_none()
    {
        Assert.DoesNotContain(Load(Readers(3), GrantMode.Direct).Roles, r => r.GeneratedGroup is not null);
        Assert.Contains(Load(Readers(1), GrantMode.Groups).Roles, r => r.Name == "appdb_app_readonly");
    }

    [Fact]
    public void Execute_makes_a_separate_readonly_group_but_not_a_separate_readwrite_one()
    {
        var state = Load("""
            database: appdb
            grant_mode: groups
            schemas: [{ name: app, owner: migrator }]
            roles:
              - { name: migrator, auth: none }
              - { name: a, auth: none, grants: [{ schema: app, profile: readonly }] }
              - { name: b, auth: none, grants: [{ schema: app, profile: readonly, execute: true }] }
              - { name: c, auth: none, grants: [{ schema: app, profile: readwrite }] }
              - { name: d, auth: none, grants: [{ schema: app, profile: readwrite, execute: true }] }
            """);

        Assert.Equal(["appdb_app_readwrite", "appdb_app_readonly", "appdb_app_readonly_execute"],
            state.Roles.Where(r => r.GeneratedGroup is not null).Select(r => r.Name));
        Assert.Equal(["appdb_app_readonly"], state.FindRole("a")!.MemberOf.ToArray());
        Assert.Equal(["appdb_app_readonly_execute"], state.FindRole("b")!.MemberOf.ToArray());
        Assert.Equal(state.FindRole("c")!.MemberOf.ToArray(), state.FindRole("d")!.MemberOf.ToArray());
    }

    [Fact]
    public void Members_through_a_group_may_do_exactly_what_the_direct_grant_gave()
    {
        var direct = Load(Readers(2, "grant_mode: direct"));
        var groups = Load(Readers(2, "grant_mode: groups"));
        var schema = direct.Schemas[0];
        foreach (var role in new[] { "app", "reader1", "reader2" })
        foreach (var kind in new[] { ObjectKind.Table, ObjectKind.Sequence, ObjectKind.Routine })
            Assert.Equal(PrivilegeModel.Effective(direct, role, schema, kind, 150000), PrivilegeModel.Effective(groups, role, schema, kind, 150000));
        Assert.Equal(PrivilegeModel.EffectiveOnSchema(direct, "reader1", schema), PrivilegeModel.EffectiveOnSchema(groups, "reader1", schema));
    }

    [Fact]
    public void The_default_layout_is_unchanged_in_auto_mode_and_grants_through_a_group_in_groups_mode()
    {
        var options = new DefaultLayoutOptions("appdb");
        var (direct, auto) = (DefaultLayout.Build(options with { GrantMode = GrantMode.Direct }), DefaultLayout.Build(options));
        Assert.Equal(direct.Roles.Select(Shape), auto.Roles.Select(Shape));

        var groups = DefaultLayout.Build(options with { GrantMode = GrantMode.Groups });
        Assert.Equal(["appdb_app_readwrite"], groups.FindRole("app")!.MemberOf.ToArray());
        Assert.Contains(groups.Roles, r => r.Name == "appdb_app_readwrite" && r.GeneratedGroup is not null);
    }

    private static string Shape(RoleSpec r) =>
        $"{r.Name} login={r.Login} grants={string.Join(",", r.Grants)} member_of={string.Join(",", r.MemberOf)} group={r.GeneratedGroup}";

    [Fact]
    public void The_environment_sets_the_mode_of_the_default_layout_and_a_bad_value_is_refused()
    {
        DesiredState Resolve(string mode) => LayoutSource.Resolve(new LayoutInputs(Auth: AuthMode.None),
            name => name == "ROLE_MANAGER_GRANT_MODE" ? mode : null, "appdb");

        Assert.Contains(Resolve("groups").Roles, r => r.GeneratedGroup is not null);
        Assert.DoesNotContain(Resolve("").Roles, r => r.GeneratedGroup is not null);
        var ex = Assert.Throws<ConfigException>(() => Resolve("sometimes"));
        Assert.Contains("ROLE_MANAGER_GRANT_MODE", ex.Message);
    }

    [Fact]
    public void A_declared_role_with_the_name_of_a_group_role_is_a_config_problem_with_its_position()
    {
        var ex = Assert.Throws<ConfigException>(() => Load(Readers(2) + "  - { name: appdb_app_readonly, login: false }\n"));

        Assert.Contains("test.yaml:10:", ex.Message);
        Assert.Contains("roles[4].name", ex.Message);
        Assert.Contains("grant_mode: direct", ex.Message);
    }

    [Fact]
    public void A_bad_grant_mode_is_reported_with_the_allowed_values()
    {
        var ex = Assert.Throws<ConfigException>(() => Load(Readers(1, "grant_mode: sometimes", ", grant_mode: always")));

        Assert.Contains("grant_mode: 'sometimes' is not valid: use auto, direct or groups", ex.Message);
        Assert.Contains("schemas[0].grant_mode: 'always' is not valid", ex.Message);
    }

    [Fact]
    public void The_json_schema_accepts_the_grant_modes_and_refuses_what_the_loader_refuses()
    {
        var schema = ConfigTests.Schema.Value;
        foreach (var mode in new[] { "auto", "direct", "groups" })
        {
            Assert.True(schema.Evaluate(Json($$"""{"database":"d","grant_mode":"{{mode}}","schemas":[{"name":"s","owner":"o","grant_mode":"{{mode}}"}]}""")).IsValid);
            Load($"database: d\ngrant_mode: {mode}\nschemas: [{{ name: s, owner: o, grant_mode: {mode} }}]\nroles: [{{ name: o, auth: none }}]");
        }
        Assert.False(schema.Evaluate(Json("""{"database":"d","grant_mode":"sometimes"}""")).IsValid);
        Assert.False(schema.Evaluate(Json("""{"database":"d","schemas":[{"name":"s","grant_mode":"always"}]}""")).IsValid);
    }

    private static System.Text.Json.JsonElement Json(string text) => System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();

    [Theory]
    [InlineData("appdb", "app", "appdb_app_readonly")]
    [InlineData("rdsdb", "app", "grp_rdsdb_app_readonly")]
    [InlineData("pg_app", "app", "grp_pg_app_app_readonly")]
    [InlineData("App DB", "Sales \"EU\"", "App DB_Sales \"EU\"_readonly")]
    public void Group_names_are_database_schema_profile_and_never_start_like_a_reserved_role(string database, string schema, string expected)
    {
        string name = GroupRoles.Name(database, schema, Profile.ReadOnly, false);

        Assert.Equal(expected, name);
        Assert.Null(Names.RoleProblem(name));
    }

    [Fact]
    public void Long_names_are_cut_to_63_bytes_on_a_character_boundary_and_stay_distinct()
    {
        string database = new('d', 40), longSchema = string.Concat(Enumerable.Repeat("é", 40));
        var names = new[]
        {
            GroupRoles.Name(database, longSchema, Profile.ReadOnly, true),
            GroupRoles.Name(database, longSchema + "x", Profile.ReadOnly, true),
            GroupRoles.Name(database, longSchema, Profile.ReadOnly, false),
            GroupRoles.Name(database, longSchema, Profile.ReadWrite, false),
        };

        Assert.All(names, n => Assert.True(Encoding.UTF8.GetByteCount(n) <= Names.MaxBytes, n));
        Assert.All(names, n => Assert.Null(Names.RoleProblem(n)));
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.EndsWith("_readonly_execute", names[0]);
        Assert.Equal(names[0], GroupRoles.Name(database, longSchema, Profile.ReadOnly, true)); // deterministic
    }

    // ---- the planner -------------------------------------------------------------------------

    private static CatalogBuilder Empty() => new CatalogBuilder().Schema("public", "pg_database_owner");

    [Fact]
    public void The_plan_creates_the_group_nologin_marks_it_and_makes_the_readers_its_members()
    {
        var plan = Planner.Plan(Load(Readers(2)), Empty().Build());
        var sql = plan.Changes.Select(c => c.Sql).ToList();

        Assert.Contains("""CREATE ROLE "appdb_app_readonly" WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT -1""", sql);
        Assert.Contains("""COMMENT ON ROLE "appdb_app_readonly" IS 'RoleManager group role: readonly on schema app in database appdb'""", sql);
        Assert.Contains("""GRANT "appdb_app_readonly" TO "reader1" """.TrimEnd(), sql);
        Assert.Contains("""GRANT "appdb_app_readonly" TO "reader2" """.TrimEnd(), sql);
        Assert.Contains("""GRANT USAGE ON SCHEMA "app" TO "app", "appdb_app_readonly" """.TrimEnd(), sql);
        Assert.Contains("""ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "app" GRANT SELECT ON TABLES TO "appdb_app_readonly" """.TrimEnd(), sql);
        Assert.DoesNotContain(sql, s => s.Contains("TO \"reader1\"", StringComparison.Ordinal) && !s.StartsWith("GRANT \"appdb_app_readonly\"", StringComparison.Ordinal) && !s.Contains("ON DATABASE", StringComparison.Ordinal));
    }

    [Fact]
    public void On_16_and_later_the_membership_in_a_group_role_is_granted_with_inherit()
    {
        var catalog = Empty();
        catalog.Version = 160000;

        var sql = Planner.Plan(Load(Readers(2)), catalog.Build()).Changes.Select(c => c.Sql).ToList();

        Assert.Contains("""GRANT "appdb_app_readonly" TO "reader1" WITH INHERIT TRUE""", sql);
    }

    [Fact]
    public void An_existing_role_with_the_group_name_that_is_not_ours_stops_the_plan_with_the_way_out()
    {
        var current = Empty().Role("appdb_app_readonly").Build();

        var ex = Assert.Throws<PlanException>(() => Planner.Plan(Load(Readers(2)), current));

        Assert.Contains("Role \"appdb_app_readonly\" already exists and is not RoleManager's group role for readonly on schema app in database appdb", ex.Message);
        Assert.Contains("grant_mode: direct", ex.Message);
        Assert.Contains("COMMENT ON ROLE \"appdb_app_readonly\" IS 'RoleManager group role: readonly on schema app in database appdb'", ex.Message);
    }

    [Fact]
    public void The_group_role_of_another_database_is_not_ours_either()
    {
        var current = Marked(Empty().Role("appdb_app_readonly").Build(), "appdb_app_readonly",
            new GroupRoleOrigin("otherdb", "app", Profile.ReadOnly, false).Comment);

        Assert.Throws<PlanException>(() => Planner.Plan(Load(Readers(2)), current));
    }

    [Fact]
    public void An_existing_marked_group_role_is_managed_like_any_declared_role()
    {
        var current = Marked(Empty().Role("appdb_app_readonly").Build(), "appdb_app_readonly",
            new GroupRoleOrigin("appdb", "app", Profile.ReadOnly, false).Comment);

        var sql = Planner.Plan(Load(Readers(2)), current).Changes.Select(c => c.Sql).ToList();

        Assert.Contains("""ALTER ROLE "appdb_app_readonly" WITH NOLOGIN""", sql); // it was a login role: made NOLOGIN again
        Assert.DoesNotContain(sql, s => s.StartsWith("COMMENT ON ROLE", StringComparison.Ordinal));
        Assert.DoesNotContain(sql, s => s.StartsWith("CREATE ROLE \"appdb_app_readonly\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Inspect_writes_grant_mode_direct_when_roles_hold_a_shared_grant_themselves_so_the_config_plans_nothing()
    {
        var scope = Load(Readers(1, "grant_mode: direct")) is var one ? one with { Roles = one.Roles.Add(one.FindRole("reader1")! with { Name = "reader2" }) } : null!;
        var current = CatalogBuilder.Converged(AuthMode.None)
            .Role("reader1").Role("reader2")
            .Schema("app", "migrator", ("app", Privilege.Usage), ("reader1", Privilege.Usage), ("reader2", Privilege.Usage))
            .Default("migrator", "app", ObjectKind.Table, ("app", Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete),
                ("reader1", Privilege.Select), ("reader2", Privilege.Select))
            .Default("migrator", "app", ObjectKind.Sequence, ("app", Privilege.Usage | Privilege.Select | Privilege.Update),
                ("reader1", Privilege.Select), ("reader2", Privilege.Select))
            .Build();

        var config = Reporting.InspectYaml.Read(scope, current);
        string yaml = Reporting.InspectYaml.Write(scope, current);

        Assert.Equal("direct", config.GrantMode);
        Assert.Contains("grant_mode: direct", yaml);
        Assert.DoesNotContain(ConfigLoader.Load(yaml, "inspected.yaml", _ => null, new()).Roles, r => r.GeneratedGroup is not null);
        Assert.Null(Reporting.InspectYaml.Read(Load(Readers(1)), CatalogBuilder.Converged(AuthMode.None).Build()).GrantMode);
    }

    private static CurrentState Marked(CurrentState current, string role, string comment) =>
        current with { Roles = current.Roles.SetItem(role, current.Roles[role] with { Comment = comment }) };
}
