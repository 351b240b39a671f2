using RoleManager.Errors;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Shapes;

/// <summary>
/// Issue 14: before any statement runs, the plan is checked against what this master may do on this server; each
/// impossibility is one clear error naming the role or extension and the fix, and nothing is applied.
/// </summary>
public class PreflightTests
{
    [Fact]
    public async Task An_extension_the_server_does_not_offer_is_refused_by_name_before_anything_runs()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.DefaultLayout() with { Extensions = ["rm_no_such_extension"] };
        string before = await db.SnapshotAsync();

        var ex = await Assert.ThrowsAsync<PlanException>(() => db.ApplyAsync(desired));

        Assert.Contains("\"rm_no_such_extension\"", ex.Message);
        Assert.Contains("pg_available_extensions", ex.Message);
        Assert.Equal(before, await db.SnapshotAsync());
    }

    [Fact]
    public async Task An_extension_lands_in_the_first_managed_schema_where_the_roles_find_it()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.DefaultLayout() with { Extensions = ["pgcrypto"] };

        var result = await db.ApplyAsync(desired);

        Assert.Contains(result.Plan.Changes, c => c.Sql.EndsWith("; CREATE EXTENSION IF NOT EXISTS \"pgcrypto\" SCHEMA \"app\"", StringComparison.Ordinal));
        await using (var su = await db.SuperuserAsync())
            Assert.Equal("app", await TestDatabase.Scalar<string>(su, "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pgcrypto'"));
        await using var app = await db.LoginAsync(db.App);
        Assert.Equal(32, (await TestDatabase.Scalar<byte[]>(app, "SELECT digest('x', 'sha256')")).Length);
    }

    [Fact]
    public async Task An_extension_goes_to_the_schema_the_config_names()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = ShapeSql.Config(db, $"""
            auth: none
            schemas: [{"{"}name: app, owner: {db.Migrator}{"}"}, {"{"}name: ext, owner: {db.Migrator}{"}"}]
            roles:
              - name: {db.Migrator}
                search_path: [app, ext]
            extensions: [{"{"}name: citext, schema: ext{"}"}]
            """);

        var result = await db.ApplyAsync(desired);

        Assert.True(result.Committed);
        await using var su = await db.SuperuserAsync();
        Assert.Equal("ext", await TestDatabase.Scalar<string>(su, "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'citext'"));
    }

    [Fact]
    public async Task A_role_with_bypassrls_is_a_finding_with_the_statement_a_superuser_must_run_and_the_rest_applies()
    {
        var db = await TestDatabase.CreateAsync();
        // Created by the master (so on 16+ it holds ADMIN on it, as on roles it created); only a superuser gives BYPASSRLS.
        await using (var master = await db.MasterAsync())
            await TestDatabase.Exec(master, $"CREATE ROLE {db.App} LOGIN PASSWORD '{TestDatabase.Password(db.App)}'");
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"ALTER ROLE {db.App} BYPASSRLS");

        var result = await db.ApplyAsync(db.DefaultLayout());

        Assert.True(result.Committed);
        var finding = Assert.Single(result.Plan.Findings, f => f.FixSql.Contains("NOBYPASSRLS", StringComparison.Ordinal));
        Assert.Contains($"ALTER ROLE \"{db.App}\" WITH NOBYPASSRLS", finding.FixSql);
        Assert.DoesNotContain(result.Plan.Changes, c => c.Sql.Contains("NOBYPASSRLS", StringComparison.Ordinal) && c.Sql.StartsWith("ALTER ROLE", StringComparison.Ordinal));
        await using var check = await db.SuperuserAsync();
        Assert.True(await TestDatabase.Scalar<bool>(check, $"SELECT rolbypassrls FROM pg_roles WHERE rolname = '{db.App}'"));
    }

    [Fact]
    public async Task On_16_and_later_a_role_created_by_someone_else_without_admin_for_the_master_is_refused_by_name()
    {
        var db = await TestDatabase.CreateAsync();
        if (db.Server.VersionNum < 160000) return; // before 16 CREATEROLE may alter any non-superuser role
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE ROLE {db.Migrator} LOGIN PASSWORD '{TestDatabase.Password(db.Migrator)}'");
        string before = await db.SnapshotAsync();

        var ex = await Assert.ThrowsAsync<PlanException>(() => db.ApplyAsync(db.DefaultLayout()));

        Assert.Contains($"\"{db.Migrator}\"", ex.Message);
        Assert.Contains($"GRANT \"{db.Migrator}\" TO \"{PostgresServer.MasterUser}\" WITH ADMIN OPTION;", ex.Message);
        Assert.Equal(before, await db.SnapshotAsync());
    }
}
