using System.Collections.Immutable;
using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// Sentences of docs/postgres-shapes.md about the pure planner, each read from the page: the planner is given the
/// catalog the sentence describes and must plan what the sentence says.
/// </summary>
public sealed class ShapesDocPlannerTests
{
    private const string Page = "docs/postgres-shapes.md";
    private static readonly Privilege ReadWrite = Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete;

    /// <summary>
    /// "Where a superuser owns objects of a kind in a managed schema, grants on that kind name the other objects one by
    /// one instead of ON ALL … IN SCHEMA, so the rest still applies." Nine of ten tables lack app's grant, which alone
    /// would be one ON ALL TABLES statement (PlannerTests.When_most_tables_lack_a_grant_one_statement_covers_the_schema);
    /// one of them is a superuser's, which the master cannot grant on, so that statement would fail the whole apply.
    /// </summary>
    [Fact]
    public void A_superusers_table_in_a_managed_schema_makes_the_grants_name_the_other_tables_and_is_a_finding()
    {
        DocText.Says(Page, @"grants on that kind name the other objects one by one instead of `ON ALL … IN SCHEMA`, so the rest still applies\.");
        var builder = CatalogBuilder.Converged();
        for (int i = 0; i < 9; i++) builder.Table("app", "t" + i, "migrator", i == 0 ? [("app", ReadWrite)] : []);
        var current = builder.Build();
        current = current with
        {
            Objects = current.Objects.Add(new DbObject("app", "audit", "", ObjectKind.Table, "rdsadmin", false, ImmutableDictionary<string, Privilege>.Empty)
                { SubKind = "r", OwnerIsSuperuser = true }),
        };
        var layout = DefaultLayout.Build(new DefaultLayoutOptions("appdb", AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));

        var plan = Planner.Plan(layout, current);

        var grants = plan.Changes.Where(c => c.Sql.StartsWith("GRANT SELECT, INSERT, UPDATE, DELETE", StringComparison.Ordinal)).Select(c => c.Sql).ToList();
        Assert.NotEmpty(grants);
        Assert.DoesNotContain(grants, g => g.Contains("ON ALL TABLES", StringComparison.Ordinal) || g.Contains("\"audit\"", StringComparison.Ordinal));
        string named = string.Join("\n", grants);
        for (int i = 1; i < 9; i++) Assert.Contains($"\"app\".\"t{i}\"", named);
        Assert.Contains(plan.Findings, f => f.Subject.Contains("app.audit", StringComparison.Ordinal));
    }
}
