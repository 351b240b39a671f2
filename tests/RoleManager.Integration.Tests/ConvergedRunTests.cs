using RoleManager.Inspect;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Integration.Tests;

/// <summary>
/// A converged run plans from groups of objects (schema, kind, owner, ACL) without reading their names; a run with
/// something to change reads every object and plans exactly as from a full inspection. Not a timing test.
/// </summary>
public sealed class ConvergedRunTests
{
    private static async Task<(TestDatabase Db, DesiredState Desired)> ConvergedWithTablesAsync(int tables)
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.DefaultLayout();
        await db.ApplyAsync(desired);
        await using (var migrator = await db.LoginAsync(db.Migrator))
            for (int t = 1; t <= tables; t++)
                await TestDatabase.Exec(migrator, $"CREATE TABLE app.t{t:000} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)");
        return (db, desired);
    }

    [Fact]
    public async Task A_converged_plan_and_apply_read_one_representative_per_group_instead_of_every_object()
    {
        var (db, desired) = await ConvergedWithTablesAsync(30);

        var plan = await db.PlanAsync(desired);
        var apply = await db.ApplyAsync(desired);

        foreach (var run in new[] { plan, apply })
        {
            Assert.True(run.Plan.IsConverged);
            Assert.True(run.Before.ObjectsSummarised);
            var app = run.Before.Objects.Where(o => o.Schema == "app").ToList();
            Assert.All(app, o => Assert.Equal(CatalogInspector.GroupPlaceholder, o.Name));
            Assert.InRange(app.Count, 1, 5); // tables and sequences: a group each, not 60 objects
        }
        Assert.Equal(0, apply.StatementsExecuted);
        Assert.False(apply.Committed);
    }

    [Theory]
    [InlineData("GRANT TRUNCATE ON app.t007 TO {app}")]
    [InlineData("GRANT SELECT (v) ON app.t011 TO PUBLIC")]
    [InlineData("REVOKE UPDATE ON app.t003_id_seq FROM {app}")]
    [InlineData("ALTER TABLE app.t005 OWNER TO {app}")]
    public async Task A_plan_with_drift_reads_every_object_and_equals_the_plan_of_a_full_inspection(string drift)
    {
        var (db, desired) = await ConvergedWithTablesAsync(12);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, drift.Replace("{app}", db.App, StringComparison.Ordinal));

        var plan = await db.PlanAsync(desired);
        await using var conn = await db.MasterAsync();
        var full = await new CatalogInspector().InspectAsync(conn, InspectionScope.For(desired), CancellationToken.None);

        Assert.False(plan.Before.ObjectsSummarised);
        Assert.NotEmpty(plan.Plan.Changes);
        Assert.Equal(Planner.Plan(desired, full).Changes.Select(c => c.Sql), plan.Plan.Changes.Select(c => c.Sql));
        Assert.Equal(full.Objects.Select(o => (o.Schema, o.Name, o.Owner)), plan.Before.Objects.Select(o => (o.Schema, o.Name, o.Owner)));

        var applied = await db.ApplyAsync(desired);
        Assert.Equal(plan.Plan.Changes.Select(c => c.Sql), applied.Plan.Changes.Select(c => c.Sql));
        Assert.True((await db.PlanAsync(desired)).Plan.IsConverged);
    }
}
