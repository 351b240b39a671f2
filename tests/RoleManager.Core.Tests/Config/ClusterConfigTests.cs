using Json.Schema;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Core.Tests;

/// <summary>Issue 28: one config for a cluster (databases:), read into one desired state per database.</summary>
public class ClusterConfigTests
{
    /// <summary>The shape: roles once, each database with its schemas and what each role has there.</summary>
    internal const string Orders = """
        auth: iam
        roles:
          - name: orders_migrator
          - name: orders_app
            settings: { statement_timeout: 30s }
          - name: reporting
          - name: billing_migrator
        databases:
          - name: orders
            schemas: [{ name: orders, owner: orders_migrator }]
            extensions: [vector]
            grant_mode: auto
            roles:
              - name: orders_app
                search_path: [orders]
                grants: [{ schema: orders, profile: readwrite }]
              - { name: reporting, grants: [{ schema: orders, profile: readonly }] }
          - name: billing
            schemas: [{ name: billing, owner: billing_migrator }]
            roles:
              - { name: reporting, database_settings: { work_mem: 64MB }, grants: [{ schema: billing, profile: readonly }] }
        """;

    private static ClusterLayout Load(string yaml) => ConfigLoader.LoadLayout(yaml, "cluster.yaml", _ => null, new ConfigDefaults());

    private static IReadOnlyList<string> Problems(string yaml) => Assert.Throws<ConfigException>(() => Load(yaml)).Problems;

    [Fact]
    public void A_cluster_config_is_one_desired_state_per_database_with_the_same_cluster_wide_roles()
    {
        var layout = Load(Orders);

        Assert.True(layout.IsCluster);
        Assert.Equal(["orders", "billing"], layout.Names);
        var orders = layout.Find("orders")!;
        var billing = layout.Find("billing")!;
        Assert.Equal([new SchemaSpec("orders", "orders_migrator")], orders.Schemas.AsEnumerable());
        Assert.Equal(["vector"], orders.Extensions.AsEnumerable());
        Assert.Empty(billing.Extensions);
        // Cluster-wide parts are the same in every database.
        foreach (var name in new[] { "orders_migrator", "orders_app", "reporting", "billing_migrator" })
        {
            var (a, b) = (orders.FindRole(name)!, billing.FindRole(name)!);
            Assert.Equal((a.Login, a.Auth, a.CreateDb, a.ConnectionLimit), (b.Login, b.Auth, b.CreateDb, b.ConnectionLimit));
            Assert.Equal(a.Settings, b.Settings);
            Assert.Equal(a.MemberOf, b.MemberOf);
        }
        Assert.Equal("30s", billing.FindRole("orders_app")!.Settings["statement_timeout"]);
        // Per-database parts: only where declared.
        Assert.Equal(["orders"], orders.FindRole("orders_app")!.SearchPath!.Value.AsEnumerable());
        Assert.Equal([new GrantSpec("orders", Profile.ReadWrite)], orders.FindRole("orders_app")!.Grants.AsEnumerable());
        Assert.Null(billing.FindRole("orders_app")!.SearchPath);
        Assert.Empty(billing.FindRole("orders_app")!.Grants);
        Assert.Equal("64MB", billing.FindRole("reporting")!.DatabaseSettings["work_mem"]);
        Assert.Empty(orders.FindRole("reporting")!.DatabaseSettings);
    }

    [Fact]
    public void A_role_gets_connect_where_it_is_listed_or_owns_a_schema_and_nowhere_else()
    {
        var layout = Load(Orders);

        DatabasePrivilege[] connect = [DatabasePrivilege.Connect, DatabasePrivilege.Temporary];
        Assert.Equal(connect, layout.Find("orders")!.FindRole("orders_app")!.DatabasePrivileges);
        Assert.Empty(layout.Find("billing")!.FindRole("orders_app")!.DatabasePrivileges);
        Assert.Equal(connect, layout.Find("orders")!.FindRole("orders_migrator")!.DatabasePrivileges);
        Assert.Empty(layout.Find("orders")!.FindRole("billing_migrator")!.DatabasePrivileges);
        Assert.Equal(connect, layout.Find("billing")!.FindRole("billing_migrator")!.DatabasePrivileges);
    }

    [Fact]
    public void Two_databases_with_the_same_shared_grant_get_a_group_role_each()
    {
        var layout = Load("""
            roles: [{ name: m }, { name: alice }, { name: bob }]
            databases:
              - name: db1
                schemas: [{ name: app, owner: m }]
                roles: [{ name: alice, grants: [{ schema: app, profile: readonly }] }, { name: bob, grants: [{ schema: app, profile: readonly }] }]
              - name: db2
                schemas: [{ name: app, owner: m }]
                roles: [{ name: alice, grants: [{ schema: app, profile: readonly }] }, { name: bob, grants: [{ schema: app, profile: readonly }] }]
            """);

        string group1 = GroupRoles.Name("db1", "app", Profile.ReadOnly, false), group2 = GroupRoles.Name("db2", "app", Profile.ReadOnly, false);
        Assert.Equal([group1], layout.Find("db1")!.FindRole("alice")!.MemberOf.AsEnumerable());
        Assert.Equal([group2], layout.Find("db2")!.FindRole("alice")!.MemberOf.AsEnumerable());
        Assert.Null(layout.Find("db1")!.FindRole(group2));
    }

    [Fact]
    public void A_role_under_a_database_that_the_top_level_roles_do_not_declare_is_an_error_at_its_line()
    {
        var problems = Problems("""
            roles: [{ name: m }]
            databases:
              - name: db1
                schemas: [{ name: app, owner: m }]
                roles:
                  - { name: ghost, grants: [{ schema: app, profile: readonly }] }
            """);

        Assert.Contains("cluster.yaml:6:17: databases[0].roles[0].name: role \"ghost\" is not declared under the top-level 'roles': declare it there (with its cluster-wide keys), then what it has in this database here", problems);
    }

    [Fact]
    public void A_cluster_wide_key_under_a_database_and_a_per_database_key_at_the_top_say_where_they_belong()
    {
        var problems = Problems("""
            roles:
              - { name: m, search_path: [app] }
            databases:
              - name: db1
                schemas: [{ name: app, owner: m }]
                roles:
                  - { name: m, login: false, member_of: [m] }
            """);

        Assert.Contains("cluster.yaml:2:16: roles[0].search_path: 'search_path' is per database in a cluster config: write it under 'databases', in the entry { name: m } of each database's 'roles' where it applies", problems);
        Assert.Contains("cluster.yaml:7:20: databases[0].roles[0].login: 'login' is cluster-wide: set it on the role under the top-level 'roles' (it applies in every database)", problems);
        Assert.Contains("cluster.yaml:7:34: databases[0].roles[0].member_of: 'member_of' is cluster-wide: set it on the role under the top-level 'roles' (it applies in every database)", problems);
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Per_database_sections_at_the_top_of_a_cluster_config_and_repeated_databases_are_errors()
    {
        var problems = Problems("""
            database: app
            schemas: []
            roles: [{ name: m }]
            databases:
              - { name: db1, schemas: [{ name: app, owner: m }] }
              - { name: db1 }
              - { name: db2, owner: m }
            """);

        Assert.Equal([
            "cluster.yaml:1:1: database: a cluster config names its databases under 'databases' (- name: ...): remove 'database'",
            "cluster.yaml:2:1: schemas: 'schemas' belongs to one database in a cluster config: write it under that entry of 'databases'",
            "cluster.yaml:6:13: databases[1].name: database \"db1\" is listed twice",
            "cluster.yaml:7:18: databases[2].owner: unknown key 'owner'; allowed here: name, grant_mode, schemas, extensions, roles",
        ], problems);
    }

    [Fact]
    public void Problems_of_the_roles_are_reported_once_though_every_database_checks_them()
    {
        var problems = Problems("""
            roles: [{ name: a, member_of: [b] }, { name: b, member_of: [a] }]
            databases: [{ name: db1 }, { name: db2 }, { name: db3 }]
            """);

        Assert.Equal(["cluster.yaml: roles: membership cycle a → b → a"], problems);
    }

    [Fact]
    public void A_cluster_config_is_refused_where_one_database_is_expected_and_the_one_database_config_reads_as_before()
    {
        var refused = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Orders, "cluster.yaml", _ => null, new ConfigDefaults()));
        Assert.Contains("cluster config (databases:)", refused.Message, StringComparison.Ordinal);

        var one = Load("database: app\nschemas: [{ name: app, owner: m }]\nroles: [{ name: m }, { name: a, grants: [{ schema: app, profile: readwrite }] }]");
        Assert.False(one.IsCluster);
        Assert.Equal("app", Assert.Single(one.Databases).Database);
    }

    [Fact]
    public void The_json_schema_accepts_the_cluster_config_and_refuses_per_database_keys_at_the_top()
    {
        var schema = ConfigTests.Schema.Value;

        Assert.True(schema.Evaluate(ConfigTests.Element(Orders)).IsValid);
        Assert.False(schema.Evaluate(ConfigTests.Element(Orders + "\nschemas: []")).IsValid);
        Assert.False(schema.Evaluate(ConfigTests.Element(Orders.Replace("  - name: reporting\n", "  - name: reporting\n    grants: []\n", StringComparison.Ordinal))).IsValid);
        Assert.False(schema.Evaluate(ConfigTests.Element(Orders.Replace("      - { name: reporting, grants", "      - { name: reporting, login: false, grants", StringComparison.Ordinal))).IsValid);
    }
}

/// <summary>Which databases a run of a cluster config covers (resolved before anything connects).</summary>
public class ClusterTargetTests
{
    private static UseCases.RunRequest Request(Connect.ConnectionInputs connection, Func<string, string?> environment, string? only = null) =>
        new(UseCases.RunAction.Plan, false, new LayoutInputs(ConfigText: ClusterConfigTests.Orders), connection, environment, Execute.ExecutionOptions.Default)
        {
            OnlyDatabase = only,
        };

    [Fact]
    public void Every_database_in_the_config_order_whatever_PGDATABASE_and_DB_NAME_say()
    {
        var all = UseCases.TargetResolver.ResolveAll(Request(new(Host: "db.internal"), name => name is "PGDATABASE" or "DB_NAME" ? "orders" : null));

        Assert.True(all.IsCluster);
        Assert.Equal(["orders", "billing"], all.Targets.Select(t => t.Connection.Database));
        Assert.Equal(["orders", "billing"], all.Targets.Select(t => t.Desired.Database));
    }

    [Fact]
    public void Dbname_the_connection_string_or_the_events_database_choose_one_and_an_undeclared_one_is_an_error()
    {
        Assert.Equal("billing", Assert.Single(UseCases.TargetResolver.ResolveAll(Request(new(Database: "billing"), _ => null)).Targets).Desired.Database);
        Assert.Equal("billing", Assert.Single(UseCases.TargetResolver.ResolveAll(Request(new(ConnectionString: "postgresql://m@db.internal/billing"), _ => null)).Targets).Desired.Database);
        Assert.Equal("orders", Assert.Single(UseCases.TargetResolver.ResolveAll(Request(new(), _ => null, only: "orders")).Targets).Desired.Database);

        var refused = Assert.Throws<ConfigException>(() => UseCases.TargetResolver.ResolveAll(Request(new(Database: "payroll"), _ => null)));
        Assert.Equal("Database \"payroll\" is not one of the config's databases (orders, billing): name one of them, or none to run on all.", refused.Message);
    }
}
