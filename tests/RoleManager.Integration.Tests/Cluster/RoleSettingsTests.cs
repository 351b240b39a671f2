using RoleManager.Errors;
using RoleManager.Model;
using static RoleManager.Integration.Tests.Cluster.ClusterRuns;

namespace RoleManager.Integration.Tests.Cluster;

/// <summary>
/// Issue 27 item 4: a declared role's settings, cluster-wide (<c>settings:</c>) and in this database
/// (<c>database_settings:</c>, <c>search_path</c>). An undeclared setting is drift: plan shows its reset, apply resets
/// it, check fails until then; a declared one is kept, compared as the server reads it; another database's
/// per-database settings are never touched.
/// </summary>
public sealed class RoleSettingsTests
{
    private static DesiredState Declared(TestDatabase db) => Load($$"""
        database: {{db.Name}}
        auth: password
        schemas: [{ name: app, owner: {{db.Migrator}} }]
        roles:
          - { name: {{db.Migrator}}, password_env: {{db.Migrator}}, search_path: [app] }
          - name: {{db.App}}
            password_env: {{db.App}}
            search_path: [app]
            grants: [{ schema: app, profile: readwrite }]
            settings: { statement_timeout: 30s, work_mem: 64MB, application_name: "it's mine" }
            database_settings: { lock_timeout: 5s }
        """);

    private static async Task SuperuserAsync(TestDatabase db, string sql)
    {
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, sql.Replace("{app}", $"\"{db.App}\"").Replace("{migrator}", $"\"{db.Migrator}\"").Replace("{db}", $"\"{db.Name}\""));
    }

    public static TheoryData<string, string> UndeclaredSettings() => new()
    {
        // made by hand after a converged apply; the statement the plan must show
        { "ALTER ROLE {app} SET default_transaction_read_only = on", "ALTER ROLE {app} RESET \"default_transaction_read_only\"" },
        { "ALTER ROLE {app} SET work_mem = '1GB'", "ALTER ROLE {app} RESET \"work_mem\"" },
        { "ALTER ROLE {app} SET statement_timeout = '1s'", "ALTER ROLE {app} RESET \"statement_timeout\"" },
        { "ALTER ROLE {app} SET role = {migrator}", "ALTER ROLE {app} RESET \"role\"" },
        { "ALTER ROLE {app} IN DATABASE {db} SET statement_timeout = '1s'", "ALTER ROLE {app} IN DATABASE {db} RESET \"statement_timeout\"" },
        { "ALTER ROLE {app} IN DATABASE {db} SET default_transaction_read_only = on", "ALTER ROLE {app} IN DATABASE {db} RESET \"default_transaction_read_only\"" },
        { "ALTER ROLE {app} IN DATABASE {db} SET search_path = public", "ALTER ROLE {app} IN DATABASE {db} SET search_path TO \"app\"" },
    };

    [Theory]
    [MemberData(nameof(UndeclaredSettings))]
    public async Task An_undeclared_setting_shows_in_plan_fails_check_and_apply_resets_it(string drift, string expected)
    {
        var db = await TestDatabase.CreateAsync();
        var layout = db.DefaultLayout();
        await db.ApplyAsync(layout);
        await SuperuserAsync(db, drift);
        string want = expected.Replace("{app}", $"\"{db.App}\"").Replace("{migrator}", $"\"{db.Migrator}\"").Replace("{db}", $"\"{db.Name}\"");

        var plan = (await db.PlanAsync(layout)).Plan;
        Assert.Equal([want], plan.Changes.Select(c => c.Sql));
        var check = await CheckAsync(db, layout);
        Assert.Contains(check.Failures, f => f.Name == "database matches the configuration (plan is empty)");

        await db.ApplyAsync(layout);
        await AssertConvergedAsync(db, layout, "after the apply");
    }

    [Fact]
    public async Task A_read_only_default_makes_the_roles_own_probe_fail_too_until_apply()
    {
        var db = await TestDatabase.CreateAsync();
        var layout = db.DefaultLayout();
        await db.ApplyAsync(layout);
        await SuperuserAsync(db, "ALTER ROLE {app} SET default_transaction_read_only = on");

        var check = await CheckAsync(db, layout);

        Assert.Contains(check.Failures, f => f.Role == db.App && f.Name == "cannot create in schema public" && f.Detail.Contains("25006"));
    }

    [Fact]
    public async Task A_setting_only_a_superuser_may_reset_is_a_finding_and_the_rest_applies()
    {
        var db = await TestDatabase.CreateAsync();
        var layout = db.DefaultLayout();
        await db.ApplyAsync(layout);
        await SuperuserAsync(db, "ALTER ROLE {app} SET log_statement = 'all'; ALTER ROLE {app} SET work_mem = '1GB'");

        var result = await db.ApplyAsync(layout);

        Assert.Equal([$"ALTER ROLE \"{db.App}\" RESET \"work_mem\""], result.Plan.Changes.Select(c => c.Sql));
        var finding = Assert.Single(result.Plan.Findings);
        Assert.Equal($"ALTER ROLE \"{db.App}\" RESET \"log_statement\"", finding.FixSql);
        var check = await CheckAsync(db, layout);
        Assert.Contains(check.Failures, f => f.Name == "nothing needs a superuser (no findings)");
    }

    [Fact]
    public async Task Declared_settings_are_set_in_their_scope_and_kept()
    {
        var db = await TestDatabase.CreateAsync();
        var layout = Declared(db);

        await db.ApplyAsync(layout);

        Assert.Equal([
            "* application_name=it's mine", "* statement_timeout=30s", "* work_mem=64MB",
            $"{db.Name} lock_timeout=5s", $"{db.Name} search_path=app"], await SettingsAsync(db, db.App));
        await AssertConvergedAsync(db, layout, "after the first apply");
    }

    [Fact]
    public async Task A_declared_value_the_server_reads_the_same_is_no_change_and_a_different_one_is_set_back()
    {
        var db = await TestDatabase.CreateAsync();
        var layout = Declared(db);
        await db.ApplyAsync(layout);

        // 30000 (ms) is 30s, 65536 (kB) is 64MB: the same values written another way.
        await SuperuserAsync(db, "ALTER ROLE {app} SET statement_timeout = 30000; ALTER ROLE {app} SET work_mem = 65536");
        Assert.True((await db.PlanAsync(layout)).Plan.IsEmpty);

        await SuperuserAsync(db, "ALTER ROLE {app} SET work_mem = '1GB'; ALTER ROLE {app} IN DATABASE {db} SET lock_timeout = '1min'");
        var plan = (await db.PlanAsync(layout)).Plan;
        Assert.Equal([$"ALTER ROLE \"{db.App}\" SET \"work_mem\" TO '64MB'", $"ALTER ROLE \"{db.App}\" IN DATABASE \"{db.Name}\" SET \"lock_timeout\" TO '5s'"],
            plan.Changes.Select(c => c.Sql));
        await db.ApplyAsync(layout);
        await AssertConvergedAsync(db, layout, "after the apply");
    }

    [Fact]
    public async Task A_cluster_wide_search_path_does_not_hide_the_one_this_database_declares_and_is_left_alone()
    {
        var db = await TestDatabase.CreateAsync();
        var layout = db.DefaultLayout();
        await db.ApplyAsync(layout);

        await SuperuserAsync(db, "ALTER ROLE {app} SET search_path = public");

        await AssertConvergedAsync(db, layout, "with a cluster-wide search_path public");
        Assert.Contains("* search_path=public", await SettingsAsync(db, db.App));
    }

    [Fact]
    public async Task Another_databases_settings_for_the_role_are_never_touched()
    {
        var db = await TestDatabase.CreateAsync();
        var other = await NeighbourAsync(db);
        await db.ApplyAsync(Declared(db));
        await SuperuserAsync(db, $"ALTER ROLE {{app}} IN DATABASE \"{other.Name}\" SET work_mem = '2MB'; " +
                                 $"ALTER ROLE {{app}} IN DATABASE \"{other.Name}\" SET search_path = elsewhere; " +
                                 "ALTER ROLE {app} IN DATABASE {db} SET work_mem = '2MB'; ALTER ROLE {app} SET maintenance_work_mem = '1GB'");

        var result = await db.ApplyAsync(Declared(db));

        Assert.Equal(2, result.Plan.Changes.Length);

        var settings = await SettingsAsync(db, db.App);
        Assert.Contains($"{other.Name} work_mem=2MB", settings);
        Assert.Contains($"{other.Name} search_path=elsewhere", settings);
    }

    [Fact]
    public async Task Inspect_prints_each_setting_in_the_scope_it_read_and_its_output_plans_nothing()
    {
        var db = await TestDatabase.CreateAsync();
        var other = await NeighbourAsync(db);
        var layout = Declared(db);
        await db.ApplyAsync(layout);
        await SuperuserAsync(db, $"ALTER ROLE {{app}} IN DATABASE \"{other.Name}\" SET work_mem = '2MB'");

        var current = await db.Engine().InspectAsync(Inspect.InspectionScope.For(layout), CancellationToken.None);
        string yaml = Reporting.InspectYaml.Write(layout, current);

        // inspect keeps each role's password_env (here the role's name) or proposes <ROLE>_PASSWORD: give each the
        // role's own password (the engine proves it by a login, so a wrong one is a planned change).
        var imported = Config.ConfigLoader.Load(yaml, "inspected.yaml",
            name => TestDatabase.Password(name == Reporting.InspectYaml.EnvName(db.App) ? db.App : name == Reporting.InspectYaml.EnvName(db.Migrator) ? db.Migrator : name), new());
        var app = imported.FindRole(db.App)!;
        Assert.Equal(layout.FindRole(db.App)!.Settings, app.Settings);
        Assert.Equal(layout.FindRole(db.App)!.DatabaseSettings, app.DatabaseSettings);
        Assert.Equal(["app"], app.SearchPath!.Value.ToArray());
        var plan = (await db.PlanAsync(imported)).Plan;
        Assert.True(plan.IsEmpty, yaml + "\n---\n" + string.Join("\n", plan.Changes.Select(c => c.Sql)));
    }

    [Theory]
    [InlineData("settings: { role: postgres }", "settings.role: setting role is refused")]
    [InlineData("settings: { session_authorization: postgres }", "settings.session_authorization: setting session_authorization is refused")]
    [InlineData("database_settings: { search_path: public }", "database_settings.search_path: setting search_path is refused: search_path is its own role key")]
    [InlineData("settings: { default_transaction_read_only: 'on' }", "settings.default_transaction_read_only: setting default_transaction_read_only is refused")]
    [InlineData("settings: { \"work_mem; DROP TABLE x\": 1 }", "is not a setting name")]
    [InlineData("settings: { app.tenant: acme }", "settings.app.tenant: setting app.tenant is refused: from PostgreSQL 15 only a superuser")]
    public async Task A_setting_that_would_escalate_or_hide_from_check_is_refused_with_where_and_why(string settings, string problem)
    {
        var db = await TestDatabase.CreateAsync();
        string yaml = $"database: {db.Name}\nauth: none\nroles:\n  - name: {db.App}\n    {settings}\n";

        var error = Assert.Throws<ConfigException>(() => Load(yaml));

        Assert.Contains("cluster.yaml:5:", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
