using RoleManager.Errors;
using RoleManager.Integration.Tests.Shapes;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// An extension's script runs with the rights of whoever creates it and with its target schema first on the
/// search_path. When that schema belongs to the migrator, a routine or operator the migrator planted there could run
/// in place of pg_catalog's during CREATE EXTENSION, as the master. The run refuses such a schema, by name, and applies
/// nothing; a schema that holds only tables (or that the run creates) still gets its extension.
/// </summary>
public class ExtensionSchemaHijackTests
{
    public static TheoryData<string> Plants() => new()
    {
        "CREATE FUNCTION app.lower(text) RETURNS text LANGUAGE sql AS 'SELECT $1'",
        "CREATE FUNCTION app.rm_any(int, int) RETURNS bool LANGUAGE sql AS 'SELECT true'; CREATE OPERATOR app.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = app.rm_any)",
        "CREATE OPERATOR app.+ (LEFTARG = text, RIGHTARG = text, FUNCTION = pg_catalog.textcat)",
        "CREATE PROCEDURE app.rm_proc() LANGUAGE sql AS 'SELECT 1'",
    };

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task An_extension_is_not_created_in_a_schema_where_another_role_planted_routines_or_operators(string plant)
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, plant);
        string before = await db.SnapshotAsync();

        var ex = await Assert.ThrowsAsync<ApplyException>(() => db.ApplyAsync(db.DefaultLayout() with { Extensions = ["pgcrypto"] }));

        Assert.Contains("extension \"pgcrypto\" was not created: schema \"app\" holds routines or operators", ex.ToString());
        Assert.Equal(before, await db.SnapshotAsync());
        await using var su = await db.SuperuserAsync();
        Assert.Equal(0L, await TestDatabase.Scalar<long>(su, "SELECT count(*) FROM pg_extension WHERE extname = 'pgcrypto'"));
    }

    [Fact]
    public async Task An_extension_is_created_in_a_schema_that_holds_only_the_migrators_tables()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE app.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)");

        var result = await db.ApplyAsync(db.DefaultLayout() with { Extensions = ["pgcrypto"] });

        Assert.True(result.Committed);
        await using var app = await db.LoginAsync(db.App);
        Assert.Equal(32, (await TestDatabase.Scalar<byte[]>(app, "SELECT digest('x', 'sha256')")).Length);
    }
}
