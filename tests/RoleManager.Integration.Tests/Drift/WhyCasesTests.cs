using RoleManager.Check;
using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Planning;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Drift;

/// <summary>The cases of issue 13 that are not a single drift on a converged database.</summary>
public class WhyCasesTests
{
    private static DesiredState Load(TestDatabase db, string roles) => db.PasswordLayout(roles);

    private static async Task<CheckResult> CheckAsync(TestDatabase db, DesiredState desired) =>
        (await db.Engine().CheckAsync(desired, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None)).Check;

    [Fact]
    public async Task Objects_the_master_made_before_the_first_apply_are_handed_to_migrator_and_foreign_keys_keep_working()
    {
        var db = await TestDatabase.CreateAsync();
        await using (var master = await db.MasterAsync())
            await TestDatabase.Exec(master, """
                CREATE SCHEMA app;
                CREATE TABLE app.customers (id int PRIMARY KEY);
                CREATE TABLE app.orders (id serial PRIMARY KEY, customer int REFERENCES app.customers);
                CREATE FUNCTION app.total() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM app.orders';
                INSERT INTO app.customers VALUES (1);
                """);
        var desired = Load(db, "");
        await db.ApplyAsync(desired);
        Assert.True((await db.PlanAsync(desired)).Plan.IsConverged);

        await using (var app = await db.LoginAsync(db.App))
            await TestDatabase.Exec(app, "INSERT INTO orders (customer) VALUES (1)"); // the FK check runs as the referenced table's owner
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "ALTER TABLE orders ADD COLUMN note text");
        await using (var su = await db.SuperuserAsync())
            Assert.Equal(0L, await TestDatabase.Scalar<long>(su,
                $"SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relowner <> '{db.Migrator}'::regrole"));
        var check = await CheckAsync(db, desired);
        Assert.True(check.Passed, DriftLayout.Failed(check));
    }

    [Fact]
    public async Task Dropping_a_role_leaves_its_objects_in_a_managed_schema_to_the_schema_owner_not_the_master()
    {
        var db = await TestDatabase.CreateAsync();
        string legacy = db.Prefix + "_legacy";
        var withLegacy = Load(db, $"  - {{ name: {legacy}, password_env: LEGACY }}");
        await db.ApplyAsync(withLegacy);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"GRANT CREATE ON SCHEMA app TO {legacy}; SET ROLE {legacy}; CREATE TABLE app.old (id int); RESET ROLE; REVOKE CREATE ON SCHEMA app FROM {legacy}");
        var dropped = Load(db, $"  - {{ name: {legacy}, password_env: LEGACY, drop: true }}");
        await db.ApplyAsync(dropped);
        var after = await db.PlanAsync(dropped);
        Assert.True(after.Plan.IsConverged, string.Join("; ", after.Plan.Changes.Select(c => c.Sql)));
        await using (var su = await db.SuperuserAsync())
            Assert.Equal(db.Migrator, await TestDatabase.Scalar<string>(su, "SELECT relowner::regrole::text FROM pg_class WHERE oid = 'app.old'::regclass"));
        var check = await CheckAsync(db, dropped);
        Assert.True(check.Passed, DriftLayout.Failed(check));
    }

    [Fact]
    public async Task A_member_of_a_declared_reading_group_passes_the_check_and_may_not_write()
    {
        var db = await TestDatabase.CreateAsync();
        string readers = db.Prefix + "_readers", alice = db.Prefix + "_alice";
        var desired = Load(db, $$"""
              - { name: {{readers}}, login: false, grants: [{ schema: app, profile: readonly }] }
              - { name: {{alice}}, password_env: ALICE, member_of: [{{readers}}] }
            """);
        await db.ApplyAsync(desired);
        var check = await CheckAsync(db, desired);
        Assert.True(check.Passed, DriftLayout.Failed(check));
        Assert.Contains(check.Assertions, a => a.Role == alice && a.Name == "selects from a table in schema app" && a.Passed);
        Assert.Contains(check.Assertions, a => a.Role == alice && a.Name == "cannot insert into a table in schema app" && a.Passed);
    }

    [Fact]
    public async Task Check_before_the_first_apply_reports_failed_assertions_and_no_error()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = Load(db, "");
        var check = await CheckAsync(db, desired);
        Assert.False(check.Passed);
        Assert.Contains(check.Failures, f => f.Role == db.App && f.Name == "exists");
        Assert.Contains(check.Failures, f => f.Name == "database matches the configuration (plan is empty)");
    }

    [Fact]
    public async Task The_check_command_before_the_first_apply_exits_3()
    {
        var db = await TestDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(CliEnvironment.Master(db), "check", "--auth", "password");
        Assert.True(result.ExitCode == 3, result.All);
    }

    [Fact]
    public async Task A_readonly_role_runs_routines_only_when_its_grant_says_execute()
    {
        var db = await TestDatabase.CreateAsync();
        string reporting = db.Prefix + "_reporting", auditor = db.Prefix + "_auditor";
        var desired = Load(db, $$"""
              - { name: {{reporting}}, password_env: REPORTING, grants: [{ schema: app, profile: readonly }] }
              - { name: {{auditor}}, password_env: AUDITOR, grants: [{ schema: app, profile: readonly, execute: true }] }
            """);
        await db.ApplyAsync(desired);
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE FUNCTION app.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'");
        await using (var su = await db.SuperuserAsync())
        {
            Assert.False(await TestDatabase.Scalar<bool>(su, $"SELECT has_function_privilege('{reporting}', 'app.f()', 'EXECUTE')"));
            Assert.True(await TestDatabase.Scalar<bool>(su, $"SELECT has_function_privilege('{auditor}', 'app.f()', 'EXECUTE')"));
            Assert.False(await TestDatabase.Scalar<bool>(su, "SELECT has_function_privilege('public', 'app.f()', 'EXECUTE')"));
        }
        var check = await CheckAsync(db, desired);
        Assert.True(check.Passed, DriftLayout.Failed(check));
    }
}
