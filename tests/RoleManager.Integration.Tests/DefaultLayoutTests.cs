using Npgsql;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Integration.Tests;

public class DefaultLayoutTests
{
    [Fact]
    public async Task Default_layout_lets_migrator_own_the_schema_and_app_read_and_write_its_tables()
    {
        var db = await TestDatabase.CreateAsync();
        var result = await db.ApplyAsync(db.DefaultLayout());
        Assert.True(result.Committed);
        Assert.Equal(result.Plan.Changes.Length, result.StatementsExecuted);

        await using (var migrator = await db.LoginAsync(db.Migrator))
        {
            Assert.Equal("app", await TestDatabase.Scalar<string>(migrator, "SELECT current_schema()"));
            await TestDatabase.Exec(migrator, "CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)");
            await TestDatabase.Exec(migrator, "CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM app.items'");
        }
        await using (var app = await db.LoginAsync(db.App))
        {
            await TestDatabase.Exec(app, "INSERT INTO items (name) VALUES ('a'), ('b')");
            await TestDatabase.Exec(app, "UPDATE items SET name = 'c' WHERE name = 'a'");
            await TestDatabase.Exec(app, "DELETE FROM items WHERE name = 'b'");
            Assert.Equal(1L, await TestDatabase.Scalar<long>(app, "SELECT item_count()"));
            Assert.Equal("c", await TestDatabase.Scalar<string>(app, "SELECT name FROM items"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(app, "CREATE TABLE app.nope (id int)"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(app, "DROP TABLE app.items"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(app, "TRUNCATE app.items"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(app, "CREATE TABLE public.nope (id int)"));
        }
        await using (var migrator = await db.LoginAsync(db.Migrator))
            Assert.Equal("42501", await TestDatabase.SqlStateOf(migrator, "CREATE TABLE public.nope (id int)"));
    }

    [Fact]
    public async Task Public_cannot_connect_after_apply()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        await using var su = await db.SuperuserAsync();
        string outsider = db.Prefix + "_outsider";
        await TestDatabase.Exec(su, $"CREATE ROLE {outsider} LOGIN PASSWORD '{TestDatabase.Password(outsider)}'");
        var ex = await Assert.ThrowsAsync<PostgresException>(() => db.LoginAsync(outsider));
        Assert.Equal("42501", ex.SqlState);
    }

    [Fact]
    public async Task Second_apply_is_an_empty_plan_that_executes_no_statement()
    {
        var db = await TestDatabase.CreateAsync();
        var first = await db.ApplyAsync(db.DefaultLayout());
        Assert.False(first.Plan.IsEmpty);

        // pg_stat_statements (preloaded by the fixture) counts every statement the server ran in this database.
        await using var su = await db.Server.OpenSuperuserAsync("postgres");
        string dbid = $"(SELECT oid FROM pg_database WHERE datname = '{db.Name}')";
        string countChanges = $"SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = {dbid} AND query ~* '^(GRANT|REVOKE|ALTER|CREATE|DROP|REASSIGN)'";
        long before = await TestDatabase.Scalar<long>(su, countChanges);

        var second = await db.ApplyAsync(db.DefaultLayout());

        Assert.True(second.Plan.IsEmpty);
        Assert.Equal(0, second.StatementsExecuted);
        Assert.Equal(before, await TestDatabase.Scalar<long>(su, countChanges));
        var third = await db.PlanAsync(db.DefaultLayout());
        Assert.True(third.Plan.IsEmpty);
    }

    [Fact]
    public async Task First_apply_of_the_default_layout_runs_a_small_fixed_number_of_statements()
    {
        var db = await TestDatabase.CreateAsync();
        var result = await db.ApplyAsync(db.DefaultLayout());
        Assert.InRange(result.StatementsExecuted, 10, 25);
        Assert.Contains(result.Plan.Changes, c => c.Kind == ChangeKind.CreateSchema);
        Assert.Contains(result.Plan.Changes, c => c.Kind == ChangeKind.GrantDefault);
        Assert.DoesNotContain(result.Plan.Changes, c => c.Sql.Contains(TestDatabase.Password(db.App)));
    }
}
