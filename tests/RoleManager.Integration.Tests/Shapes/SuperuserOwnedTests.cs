using RoleManager.Planning;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Shapes;

/// <summary>
/// Issue 14: on PostgreSQL 13/14 (and databases upgraded from them) schema public belongs to a superuser; a superuser
/// may own a table in a managed schema. The master never acts as a superuser: what needs one is a finding.
/// </summary>
public class SuperuserOwnedTests
{
    [Fact]
    public async Task When_a_superuser_owns_public_the_default_layout_applies_with_a_finding_and_a_second_plan_is_empty()
    {
        var db = await TestDatabase.CreateAsync();
        await ShapeSql.GivePublicToASuperuserAsync(db);

        var result = await db.ApplyAsync(db.DefaultLayout());

        Assert.True(result.Committed);
        Assert.DoesNotContain(result.Plan.Changes, c => c.Sql.Contains(PostgresServer.RdsAdmin));
        var finding = Assert.Single(result.Plan.Findings, f => f.Subject == "schema public");
        Assert.Equal("REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC;", finding.FixSql);
        Assert.Contains(PostgresServer.RdsAdmin, finding.Problem);
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE items (id int)");
        await using (var app = await db.LoginAsync(db.App))
            await TestDatabase.Exec(app, "INSERT INTO items VALUES (1)");

        var second = await db.PlanAsync(db.DefaultLayout());
        Assert.True(second.Plan.IsEmpty);
        Assert.Equal(finding, Assert.Single(second.Plan.Findings));

        // The finding's SQL is what a superuser runs; then the database is exactly as declared.
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, finding.FixSql);
        Assert.True((await db.PlanAsync(db.DefaultLayout())).Plan.IsConverged);
        await using (var app = await db.LoginAsync(db.App))
            Assert.Equal("42501", await TestDatabase.SqlStateOf(app, "CREATE TABLE public.nope (id int)"));
    }

    [Fact]
    public async Task A_table_a_superuser_owns_in_a_managed_schema_is_a_finding_and_everything_else_applies()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE TABLE app.audit (id int); ALTER TABLE app.audit OWNER TO {PostgresServer.RdsAdmin}");
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE items (id int)");
        string outsider = db.Prefix + "_late";

        // A change elsewhere in the same run: a role added to the layout still gets created.
        var desired = db.DefaultLayout();
        desired = desired with { Roles = desired.Roles.Add(desired.Roles[1] with { Name = outsider, Password = null, Auth = Model.AuthMode.None, SearchPath = null }) };
        var result = await db.ApplyAsync(desired);

        Assert.True(result.Committed);
        Assert.DoesNotContain(result.Plan.Changes, c => c.Sql.Contains(PostgresServer.RdsAdmin));
        Assert.Contains(result.Plan.Changes, c => c.Kind == ChangeKind.CreateRole && c.Sql.Contains(outsider));
        Assert.Contains(result.Plan.Findings, f => f.Subject.Contains("table app.audit") && f.FixSql.Contains("ON ALL TABLES IN SCHEMA \"app\"")
                                                   || f.Subject.Contains("table app.audit") && f.FixSql.Contains("\"app\".\"audit\""));
        await using (var app = await db.LoginAsync(db.App))
            await TestDatabase.Exec(app, "INSERT INTO items VALUES (1)");
        var second = await db.PlanAsync(desired);
        Assert.True(second.Plan.IsEmpty);
        Assert.NotEmpty(second.Plan.Findings);
    }
}
