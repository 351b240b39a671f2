using System.Collections.Immutable;
using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>Ownership is privilege (issue 26) and extension members (issue 27): the planner's decisions, one by one.</summary>
public class OwnershipPlannerTests
{
    private static DesiredState Layout(params RoleSpec[] more)
    {
        var layout = DefaultLayout.Build(new DefaultLayoutOptions("appdb", Auth: AuthMode.Iam,
            AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));
        return layout with { Roles = layout.Roles.AddRange(more) };
    }

    private static List<string> Work(Plan plan) =>
        plan.Changes.Where(c => c.Kind is not (ChangeKind.BeginActingAs or ChangeKind.EndActingAs)).Select(c => c.Sql).ToList();

    private static DbObject Obj(string name, string owner, ObjectKind kind = ObjectKind.Table, string sub = "r", string? code = null, bool member = false) =>
        new("app", name, kind == ObjectKind.Routine ? "" : "", kind, owner, owner == CatalogBuilder.Master, ImmutableDictionary<string, Privilege>.Empty)
        { SubKind = sub, Code = code, ExtensionMember = member };

    private static CurrentState With(params DbObject[] objects) =>
        CatalogBuilder.Converged().Role("outsider").Build() with { Objects = [.. objects] };

    [Fact]
    public void Code_another_role_wrote_is_a_finding_and_what_is_inert_or_the_masters_is_handed_over()
    {
        var state = With(
            Obj("plant", "app", ObjectKind.Routine, "f", code: "a SECURITY DEFINER function"),
            Obj("peek", "outsider", sub: "v", code: "a view"),
            Obj("plain", "app"),
            Obj("report", CatalogBuilder.Master, sub: "v", code: "a view"));

        var plan = Planner.Plan(Layout(), state);

        var owners = Work(plan).Where(s => s.Contains("OWNER TO")).ToList();
        Assert.Equal(["""ALTER TABLE "app"."plain" OWNER TO "migrator" """.TrimEnd(), """ALTER VIEW "app"."report" OWNER TO "migrator" """.TrimEnd()], owners);
        Assert.Equal(["function app.plant", "view app.peek"], plan.Findings.Select(f => f.Subject).Order());
        Assert.Contains(plan.Findings, f => f.FixSql == """ALTER FUNCTION "app"."plant"() OWNER TO "migrator" """.TrimEnd() && f.Problem.Contains("a SECURITY DEFINER function"));
        // Grants on the code left with its writer are not planned either, and ON ALL (which would reach it) is not used.
        Assert.DoesNotContain(Work(plan), s => s.Contains("\"plant\"") || s.Contains("\"peek\"") || s.Contains("ON ALL"));
    }

    [Fact]
    public void An_extensions_members_are_never_handed_over_nor_granted_on()
    {
        var state = With(Obj("digest", "rdsadmin", ObjectKind.Routine, "f", member: true), Obj("items", "rdsadmin", member: true));

        var plan = Planner.Plan(Layout(), state);

        Assert.True(plan.IsEmpty, string.Join("\n", Work(plan)));
        Assert.Empty(plan.Findings);
    }

    [Fact]
    public void A_retiring_role_leaves_nothing_to_the_master_and_its_heir_takes_what_is_outside_the_managed_schemas()
    {
        var state = With(Obj("lookup", "legacy")) with
        {
            OwnedByRetiring = [new OwnedObject("legacy", "schema", null, "legacy_tools", false), new OwnedObject("legacy", "table", "app", "app.lookup", true)],
        };
        state = state with { Roles = state.Roles.Add("legacy", state.Roles["app"] with { Name = "legacy" }) };
        var retiring = new RoleSpec("legacy", true, AuthMode.None, null, [], [], [], Drop: true);

        var refused = Planner.Plan(Layout(retiring), state);
        var heir = Planner.Plan(Layout(retiring with { ReassignOwnedTo = "archive" }, new RoleSpec("archive", false, AuthMode.None, null, [], [], [])),
            state with { Roles = state.Roles.Add("archive", state.Roles["app"] with { Name = "archive" }) });

        Assert.DoesNotContain(refused.Changes, c => c.Sql.StartsWith("DROP ROLE") || c.Sql.Contains("REASSIGN"));
        var finding = Assert.Single(refused.Findings);
        Assert.Contains("schema legacy_tools", finding.Problem);
        Assert.DoesNotContain("app.lookup", finding.Problem);
        // The inert table in the managed schema goes to the schema owner either way.
        Assert.Contains("""ALTER TABLE "app"."lookup" OWNER TO "migrator" """.TrimEnd(), Work(refused));
        Assert.Contains("""REASSIGN OWNED BY "legacy" TO "archive" """.TrimEnd(), Work(heir));
        Assert.Contains("""DROP ROLE "legacy" """.TrimEnd(), Work(heir));
        Assert.DoesNotContain(Work(heir), s => s.Contains("TO CURRENT_USER") && s.StartsWith("REASSIGN"));
    }

    [Fact]
    public void On_16_a_retiring_role_the_master_has_no_admin_option_on_is_a_finding()
    {
        var builder = CatalogBuilder.Converged().Role("legacy");
        builder.Version = 160000;
        var state = builder.Build() with
        {
            MasterFacts = new MasterFacts("", false, false, [], ["plpgsql"], [], ["app", "migrator"], ImmutableDictionary<string, ImmutableArray<string>>.Empty),
        };

        var plan = Planner.Plan(Layout(new RoleSpec("legacy", true, AuthMode.None, null, [], [], [], Drop: true)), state);

        Assert.DoesNotContain(plan.Changes, c => c.Sql.Contains("legacy"));
        Assert.Equal("""GRANT "legacy" TO "master" WITH ADMIN OPTION""", Assert.Single(plan.Findings).FixSql);
    }

    /// <summary>
    /// ALTER … OWNER TO needs the new owner's CREATE on the schema (ObjectHandOverTests): an owner that revoked it from
    /// itself gets it back before the hand-over, not after.
    /// </summary>
    [Fact]
    public void A_hand_over_comes_after_the_owner_gets_back_the_create_it_revoked_from_itself_on_the_schema()
    {
        var state = CatalogBuilder.Converged().Table("app", "t", CatalogBuilder.Master).Build();
        var app = state.Schemas["app"];
        state = state with { Schemas = state.Schemas.SetItem("app", app with { Acl = app.Acl.SetItem("migrator", Privilege.Usage) }) };

        var work = Work(Planner.Plan(Layout(), state));

        int grantBack = work.IndexOf("""GRANT CREATE ON SCHEMA "app" TO "migrator" """.TrimEnd());
        int handOver = work.IndexOf("""ALTER TABLE "app"."t" OWNER TO "migrator" """.TrimEnd());
        Assert.True(grantBack >= 0 && handOver > grantBack, string.Join("\n", work));
    }

    /// <summary>
    /// A schema that stays with a superuser (its hand-over is a finding): its declared owner holds no CREATE there, so the
    /// master's table in it is a finding after the schema's, and its grants (which need the schema's owner) are too.
    /// </summary>
    [Fact]
    public void In_a_schema_whose_hand_over_is_a_finding_the_objects_hand_over_and_grants_are_findings_after_it()
    {
        var state = CatalogBuilder.Converged().Schema("app", "rdsadmin", ("rdsadmin", Privilege.Usage | Privilege.Create))
            .Table("app", "t", CatalogBuilder.Master).Build();
        state = state with { MasterFacts = MasterFacts.Unknown with { Superusers = ["rdsadmin"] } };

        var plan = Planner.Plan(Layout(), state);

        Assert.DoesNotContain(Work(plan), s => s.Contains("\"app\".", StringComparison.Ordinal) || s.Contains("SCHEMA \"app\"", StringComparison.Ordinal));
        var fixes = plan.Findings.Select(f => f.FixSql).ToList();
        int schema = fixes.FindIndex(f => f.Contains("""ALTER SCHEMA "app" OWNER TO "migrator" """.TrimEnd(), StringComparison.Ordinal));
        int table = fixes.IndexOf("""ALTER TABLE "app"."t" OWNER TO "migrator" """.TrimEnd());
        Assert.True(schema >= 0 && table > schema, string.Join("\n", fixes));
        Assert.Contains(fixes, f => f.Contains("""GRANT SELECT, INSERT, UPDATE, DELETE ON""", StringComparison.Ordinal) && f.Contains("\"app\"", StringComparison.Ordinal));
    }
}
