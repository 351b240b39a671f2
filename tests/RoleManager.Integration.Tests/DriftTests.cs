using RoleManager.Planning;

namespace RoleManager.Integration.Tests;

public class DriftTests
{
    [Fact]
    public async Task A_privilege_granted_by_hand_is_revoked_and_one_revoked_by_hand_is_restored()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE orders (id int PRIMARY KEY)");
        await using (var su = await db.SuperuserAsync())
        {
            await TestDatabase.Exec(su, $"GRANT TRUNCATE ON app.orders TO {db.App}");
            await TestDatabase.Exec(su, $"GRANT CREATE ON SCHEMA app TO {db.App}");
            await TestDatabase.Exec(su, $"REVOKE INSERT ON app.orders FROM {db.App}");
        }

        var plan = await db.PlanAsync(db.DefaultLayout());
        Assert.Contains(plan.Plan.Changes, c => c.Kind == ChangeKind.RevokeObjects && c.Sql.Contains("TRUNCATE"));
        Assert.Contains(plan.Plan.Changes, c => c.Kind == ChangeKind.GrantObjects && c.Sql.Contains("INSERT"));
        Assert.Contains(plan.Plan.Changes, c => c.Kind == ChangeKind.RevokeSchema && c.Sql.Contains("CREATE"));

        await db.ApplyAsync(db.DefaultLayout());
        await using (var app = await db.LoginAsync(db.App))
        {
            await TestDatabase.Exec(app, "INSERT INTO orders VALUES (1)");
            Assert.Equal("42501", await TestDatabase.SqlStateOf(app, "TRUNCATE orders"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(app, "CREATE TABLE app.sneaky (id int)"));
        }
        Assert.True((await db.PlanAsync(db.DefaultLayout())).Plan.IsEmpty);
    }

    [Fact]
    public async Task A_role_outside_the_config_keeps_its_privileges_but_create_on_a_managed_schema()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        string outsider = db.Prefix + "_analyst";
        await using (var su = await db.SuperuserAsync())
        {
            await TestDatabase.Exec(su, $"CREATE ROLE {outsider} LOGIN");
            await TestDatabase.Exec(su, $"GRANT CONNECT ON DATABASE \"{db.Name}\" TO {outsider}");
            await TestDatabase.Exec(su, $"GRANT USAGE, CREATE ON SCHEMA app TO {outsider}");
            await TestDatabase.Exec(su, $"CREATE TABLE app.t (id int); ALTER TABLE app.t OWNER TO {db.Migrator}; GRANT SELECT, TRUNCATE ON app.t TO {outsider}");
        }
        string before = await db.SnapshotAsync();
        var result = await db.ApplyAsync(db.DefaultLayout());
        // CREATE on a managed schema is how code lands where it is handed to the owner (issue 26): the one thing taken.
        Assert.Equal([$"REVOKE CREATE ON SCHEMA \"app\" FROM \"{outsider}\""], result.Plan.Changes.Where(c => c.Sql.Contains(outsider)).Select(c => c.Sql));
        await using var check = await db.SuperuserAsync();
        Assert.True(await TestDatabase.Scalar<bool>(check, $"SELECT has_table_privilege('{outsider}', 'app.t', 'TRUNCATE')"));
        Assert.True(await TestDatabase.Scalar<bool>(check, $"SELECT has_schema_privilege('{outsider}', 'app', 'USAGE')"));
        Assert.False(await TestDatabase.Scalar<bool>(check, $"SELECT has_schema_privilege('{outsider}', 'app', 'CREATE')"));
        Assert.True(await TestDatabase.Scalar<bool>(check, $"SELECT has_database_privilege('{outsider}', '{db.Name}', 'CONNECT')"));
        Assert.NotEqual(before, await db.SnapshotAsync()); // app got its grants on the new table
    }

    [Fact]
    public async Task Existing_tables_created_before_apply_get_bulk_grants_and_converge()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        await using (var su = await db.SuperuserAsync())
        {
            await TestDatabase.Exec(su, $"ALTER DEFAULT PRIVILEGES FOR ROLE {db.Migrator} IN SCHEMA app REVOKE ALL ON TABLES FROM {db.App}");
            for (int i = 0; i < 5; i++) await TestDatabase.Exec(su, $"SET ROLE {db.Migrator}; CREATE TABLE app.t{i} (id serial); RESET ROLE");
        }
        var plan = await db.PlanAsync(db.DefaultLayout());
        Assert.Contains(plan.Plan.Changes, c => c.Sql.Contains("ON ALL TABLES IN SCHEMA"));
        Assert.Contains(plan.Plan.Changes, c => c.Kind == ChangeKind.GrantDefault);
        await db.ApplyAsync(db.DefaultLayout());
        Assert.True((await db.PlanAsync(db.DefaultLayout())).Plan.IsEmpty);
        await using var app = await db.LoginAsync(db.App);
        await TestDatabase.Exec(app, "INSERT INTO t3 DEFAULT VALUES");
    }

    [Fact]
    public async Task A_declared_role_is_dropped_only_when_the_config_says_so()
    {
        var db = await TestDatabase.CreateAsync();
        string extra = db.Prefix + "_old";
        string yaml = $$"""
            database: {{db.Name}}
            schemas: [{ name: app, owner: {{db.Migrator}} }]
            roles:
              - { name: {{db.Migrator}}, auth: none }
              - { name: {{extra}}, auth: none, grants: [{ schema: app, profile: readonly }] }
            """;
        await db.ApplyAsync(Config.ConfigLoader.Load(yaml, "t.yaml", _ => null, new()));
        await using (var setup = await db.SuperuserAsync())
            await TestDatabase.Exec(setup, $"SET ROLE {db.Migrator}; CREATE TABLE app.kept (id int); RESET ROLE");

        string without = yaml.Replace($"  - {{ name: {extra}, auth: none, grants: [{{ schema: app, profile: readonly }}] }}\n", "");
        var unchanged = await db.ApplyAsync(Config.ConfigLoader.Load(without, "t.yaml", _ => null, new()));
        Assert.DoesNotContain(unchanged.Plan.Changes, c => c.Sql.Contains(extra));

        string dropped = yaml.Replace("profile: readonly }] }", "profile: readonly }] }").Replace($"{{ name: {extra}, auth: none, grants: [{{ schema: app, profile: readonly }}] }}", $"{{ name: {extra}, drop: true }}");
        var result = await db.ApplyAsync(Config.ConfigLoader.Load(dropped, "t.yaml", _ => null, new()));
        Assert.Contains(result.Plan.Changes, c => c.Kind == ChangeKind.DropRole && c.Sql.StartsWith("DROP ROLE"));
        await using var su = await db.SuperuserAsync();
        Assert.False(await TestDatabase.Scalar<bool>(su, $"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{extra}')"));
        Assert.True(await TestDatabase.Scalar<bool>(su, "SELECT to_regclass('app.kept') IS NOT NULL"));
    }
}
