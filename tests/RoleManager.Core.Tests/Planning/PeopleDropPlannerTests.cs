using System.Collections.Immutable;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>Issue 19: dropping thousands of roles is a few statements per chunk of 500, each naming the count and the first few.</summary>
public class PeopleDropPlannerTests
{
    private static string Person(int i) => $"person_{i:0000}";

    private static DesiredState DropAll(int people) => new("appdb", [new SchemaSpec("app", "owner")],
        [new RoleSpec("owner", false, AuthMode.None, null, [], [], []),
         .. Enumerable.Range(1, people).Select(i => new RoleSpec(Person(i), true, AuthMode.None, null, [], [], [], Drop: true))], []);

    private static CatalogBuilder Catalog(int people)
    {
        var readers = Enumerable.Range(1, people).Select(i => (Person(i), Privilege.Select)).ToArray();
        var catalog = new CatalogBuilder().Role("owner", actedAs: true)
            .Schema("app", "owner", readers.Select(r => (r.Item1, Privilege.Usage)).ToArray())
            .Table("app", "t1", "owner", readers)
            .Default("owner", "app", ObjectKind.Table, readers);
        foreach (var (name, _) in readers) catalog.Role(name);
        return catalog;
    }

    [Fact]
    public void Dropping_1200_roles_is_three_chunks_with_one_statement_per_kind_each()
    {
        var plan = Planner.Plan(DropAll(1200), Catalog(1200).Build());

        var drops = plan.Changes.Where(c => c.Sql.StartsWith("DROP ROLE")).ToList();
        Assert.Equal([500, 500, 200], drops.Select(c => c.Sql.Split(", ").Length));
        Assert.Equal("drop 500 roles (person_0001, person_0002, person_0003 and 497 more)", drops[0].Description);
        Assert.Equal("drop 200 roles (person_1001, person_1002, person_1003 and 197 more)", drops[2].Description);
        Assert.Equal(3, plan.Changes.Count(c => c.Sql.StartsWith("DROP OWNED BY")));
        // They own nothing: nothing is reassigned (and never to the master: issue 26).
        Assert.DoesNotContain(plan.Changes, c => c.Sql.StartsWith("REASSIGN OWNED BY"));
        // Each chunk's grants go in one statement per object list, schema and default ACL (not one per role).
        Assert.Equal(3, plan.Changes.Count(c => c.Sql.StartsWith("REVOKE ALL ON TABLE \"app\".\"t1\" FROM")));
        Assert.Equal(3, plan.Changes.Count(c => c.Sql.StartsWith("REVOKE ALL ON SCHEMA \"app\" FROM")));
        Assert.Equal(3, plan.Changes.Count(c => c.Sql.StartsWith("ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA \"app\" REVOKE ALL ON TABLES FROM")));
        // The master acts as the dropped roles through one GRANT per chunk, and never gives those memberships back.
        Assert.Equal(3, plan.Changes.Count(c => c.Kind == ChangeKind.BeginActingAs && c.Sql.StartsWith("GRANT \"person_")));
        Assert.DoesNotContain(plan.Changes, c => c.Kind == ChangeKind.EndActingAs && c.Sql.Contains("person_"));
        Assert.True(plan.Changes.Length < 30, $"{plan.Changes.Length} changes");
    }

    [Fact]
    public void Dropping_one_role_keeps_the_plan_of_one_role()
    {
        var plan = Planner.Plan(DropAll(1), Catalog(1).Build());
        Assert.Equal(
            ["check that person_0001 owns nothing the plan did not see", "revoke every privilege of person_0001 in this database", "drop role person_0001"],
            plan.Changes.Where(c => c.Kind == ChangeKind.DropRole).Select(c => c.Description));
    }

    [Fact]
    public void Readers_with_the_same_profile_share_one_grant_on_all_tables()
    {
        var desired = new DesiredState("appdb", [new SchemaSpec("app", "owner")],
            [new RoleSpec("owner", false, AuthMode.None, null, [], [], []),
             .. Enumerable.Range(1, 3).Select(i => new RoleSpec(Person(i), true, AuthMode.None, null, [new GrantSpec("app", Profile.ReadOnly)], [], []))], []);
        var catalog = new CatalogBuilder().Role("owner", actedAs: true).Schema("app", "owner").Table("app", "t1", "owner").Table("app", "t2", "owner");
        var plan = Planner.Plan(desired, catalog.Build());
        var grant = Assert.Single(plan.Changes, c => c.Sql.StartsWith("GRANT SELECT ON ALL TABLES IN SCHEMA"));
        Assert.Equal("""GRANT SELECT ON ALL TABLES IN SCHEMA "app" TO "person_0001", "person_0002", "person_0003" """.TrimEnd(), grant.Sql);
        Assert.Equal("grant SELECT on all tables in schema app to 3 roles (person_0001, person_0002, person_0003)", grant.Description);
    }
}
