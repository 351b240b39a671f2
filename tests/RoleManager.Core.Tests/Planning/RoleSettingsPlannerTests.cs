using System.Collections.Immutable;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>
/// A role's settings in both scopes (issue 27 item 4) and another database's group roles (issue 28), on the pure
/// planner; the same cases against a real server are in the integration tests' Cluster folder.
/// </summary>
public class RoleSettingsPlannerTests
{
    private static DesiredState Layout(string appKeys = "") => ConfigLoader.Load($$"""
        database: appdb
        auth: iam
        schemas: [{ name: app, owner: migrator }]
        roles:
          - { name: migrator, search_path: [app] }
          - { name: app, search_path: [app], grants: [{ schema: app, profile: readwrite }]{{appKeys}} }
        """, "settings.yaml", _ => null, new());

    private static List<string> Sql(Plan plan) => plan.Changes.Select(c => c.Sql).ToList();

    private static CurrentState App(Func<CurrentRole, CurrentRole> change)
    {
        var state = CatalogBuilder.Converged().Build();
        return state with { Roles = state.Roles.SetItem("app", change(state.Roles["app"])) };
    }

    private static readonly ImmutableDictionary<string, SettingKind> Kinds = new Dictionary<string, SettingKind>
    {
        ["statement_timeout"] = new("integer", "ms"), ["work_mem"] = new("integer", "kB"), ["effective_cache_size"] = new("integer", "8kB"),
        ["enable_seqscan"] = new("bool", null), ["datestyle"] = new("string", null), ["log_statement"] = new("enum", null) { MasterMaySet = false },
    }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    [Theory]
    [InlineData("30s", "30000", "statement_timeout")]
    [InlineData("1min", "60s", "statement_timeout")]
    [InlineData("64MB", "65536", "work_mem")]
    [InlineData("1GB", "131072", "effective_cache_size")]
    [InlineData("on", "TRUE", "enable_seqscan")]
    public void Values_the_server_reads_the_same_are_the_same(string declared, string stored, string name) =>
        Assert.True(SettingValues.Same(declared, stored, Kinds[name]));

    [Theory]
    [InlineData("30s", "3000", "statement_timeout")]
    [InlineData("64MB", "64", "work_mem")]
    [InlineData("iso, mdy", "ISO, MDY", "datestyle")]
    public void Different_values_differ(string declared, string stored, string name) =>
        Assert.False(SettingValues.Same(declared, stored, Kinds[name]));

    [Fact]
    public void An_undeclared_cluster_wide_setting_is_reset_and_a_cluster_wide_search_path_is_left_alone()
    {
        var current = App(r => r with { Settings = ["search_path=public", "work_mem=1GB"] });
        Assert.Equal(["""ALTER ROLE "app" RESET "work_mem" """.TrimEnd()], Sql(Planner.Plan(Layout(), current)));
    }

    [Fact]
    public void Declared_settings_are_set_in_their_scope_and_equal_ones_are_kept()
    {
        var layout = Layout(", settings: { statement_timeout: 30s, work_mem: 64MB }, database_settings: { enable_seqscan: 'off' }");
        var current = App(r => r with { Settings = ["statement_timeout=30000"], SettingKinds = Kinds });
        Assert.Equal([
            """ALTER ROLE "app" SET "work_mem" TO '64MB'""",
            """ALTER ROLE "app" IN DATABASE "appdb" SET "enable_seqscan" TO 'off'""",
        ], Sql(Planner.Plan(layout, current)));
    }

    [Fact]
    public void Several_undeclared_settings_in_this_database_go_in_one_statement()
    {
        var current = App(r => r with { DatabaseSettings = ["search_path=public", "work_mem=1GB"] });
        var layout = Layout() with { Roles = Layout().Roles.Select(r => r.Name == "app" ? r with { SearchPath = null } : r).ToImmutableArray() };
        Assert.Equal(["""ALTER ROLE "app" IN DATABASE "appdb" RESET ALL"""], Sql(Planner.Plan(layout, current)));
    }

    [Fact]
    public void A_setting_only_a_superuser_may_reset_is_a_finding()
    {
        var current = App(r => r with { Settings = ["log_statement=all"], SettingKinds = Kinds });
        var plan = Planner.Plan(Layout(), current);
        Assert.Empty(plan.Changes);
        Assert.Equal("""ALTER ROLE "app" RESET "log_statement" """.TrimEnd(), Assert.Single(plan.Findings).FixSql);
    }

    [Fact]
    public void Another_databases_group_role_keeps_its_member_and_a_copied_mark_does_not()
    {
        string other = GroupRoles.Name("otherdb", "app", Profile.ReadOnly, false);
        string mark = new GroupRoleOrigin("otherdb", "app", Profile.ReadOnly, false).Comment;
        var current = App(r => r with
        {
            Memberships = [new Membership("rds_iam", false, true), new Membership(other, false, true), new Membership("impostor", false, true)],
            MarkedGroups = ImmutableDictionary<string, string>.Empty.Add(other, mark).Add("impostor", mark),
        });
        Assert.Equal(["""REVOKE "impostor" FROM "app" """.TrimEnd()], Sql(Planner.Plan(Layout(), current)));
    }

    [Fact]
    public void A_mark_whose_schema_holds_the_words_in_database_is_read_by_the_name_it_gives()
    {
        var origin = new GroupRoleOrigin("db2", "x in database y", Profile.ReadOnly, true);
        string name = GroupRoles.Name(origin.Database, origin.Schema, origin.Profile, origin.Execute);
        Assert.Equal(origin, GroupRoleGuard.ParseMark(name, origin.Comment));
        Assert.Null(GroupRoleGuard.ParseMark("someone_else", origin.Comment));
    }

    [Theory]
    [InlineData("role: admin", "settings.role: setting role is refused")]
    [InlineData("search_path: public", "settings.search_path: setting search_path is refused")]
    [InlineData("Work_Mem: 1MB", "is not a setting name")]
    [InlineData("work_mem: [1, 2]", "settings.work_mem: must be a single value")]
    public void A_refused_setting_is_reported_with_file_line_and_key(string setting, string problem)
    {
        var error = Assert.Throws<ConfigException>(() => Layout($", settings: {{ {setting} }}"));
        Assert.Contains("settings.yaml:6:", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
