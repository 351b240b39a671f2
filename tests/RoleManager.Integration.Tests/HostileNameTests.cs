using RoleManager.Config;
using RoleManager.Model;

namespace RoleManager.Integration.Tests;

public class HostileNameTests
{
    [Theory]
    [InlineData("Mixed Case Schema", "App \"Quoted\" User", "mig;DROP TABLE x;--")]
    [InlineData("schéma_ünï", "ünïcødé app", "Migrator's-Role")]
    [InlineData("select", "user", "table")]
    public async Task Hostile_names_are_quoted_correctly_end_to_end(string schema, string appSuffix, string migratorSuffix)
    {
        var db = await TestDatabase.CreateAsync();
        string app = db.Prefix + " " + appSuffix, migrator = db.Prefix + migratorSuffix;
        var desired = DefaultLayout.Build(new DefaultLayoutOptions(db.Name, schema, app, migrator, AuthMode.Password,
            AppPassword: new Secret(TestDatabase.Password(app)), MigratorPassword: new Secret(TestDatabase.Password(migrator))));

        var first = await db.ApplyAsync(desired);
        Assert.True(first.Committed);
        Assert.True((await db.PlanAsync(desired)).Plan.IsEmpty);

        string qSchema = Sql.Ident.Quote(schema);
        await using (var m = await db.LoginAsync(migrator))
        {
            await TestDatabase.Exec(m, "CREATE TABLE \"Weird Table\" (id int)");
            Assert.Equal(schema, await TestDatabase.Scalar<string>(m, "SELECT current_schema()"));
        }
        await using (var a = await db.LoginAsync(app))
        {
            await TestDatabase.Exec(a, $"INSERT INTO {qSchema}.\"Weird Table\" VALUES (1)");
            Assert.Equal("42501", await TestDatabase.SqlStateOf(a, $"CREATE TABLE {qSchema}.nope (id int)"));
        }
        Assert.True((await db.PlanAsync(desired)).Plan.IsEmpty);
    }
}
