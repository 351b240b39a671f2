using RoleManager.Planning;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Core.Tests;

/// <summary>
/// Issue 29: what an acting-as covers is the unit it is asked in (<see cref="PlanBuilder.BeginUnit"/>), not the order in
/// which a planner asks for it and adds its changes.
/// </summary>
public class PlanUnitTests
{
    private static readonly Change Grant = new(ChangeKind.GrantObjects, "grant SELECT on table app.audit to app", "GRANT SELECT ON TABLE \"app\".\"audit\" TO \"app\"")
        { Target = ChangeTarget.On("app", ["audit"]) };

    private static readonly Change Usage = new(ChangeKind.GrantSchema, "grant USAGE on schema app to app", "GRANT USAGE ON SCHEMA \"app\" TO \"app\"")
        { Target = ChangeTarget.OnSchema("app") };

    private static Plan Build(PlanBuilder builder) => builder.Build(_ => ActingAs.GrantThenRevoke, new HashSet<string>());

    private static Plan Planned(Action<PlanBuilder> inUnit)
    {
        var builder = new PlanBuilder(170000);
        using (builder.BeginUnit()) inUnit(builder);
        builder.Add(Phase.SchemaPrivileges, Usage);
        return Build(builder);
    }

    private static string[] Sql(Plan plan) => plan.Changes.Select(c => c.Sql).ToArray();

    [Fact]
    public void Acting_as_before_or_after_adding_the_change_gives_the_same_plan()
    {
        var first = Planned(b => { b.NeedActAs("owner"); b.Add(Phase.ObjectPrivileges, Grant); });
        var then = Planned(b => { b.Add(Phase.ObjectPrivileges, Grant); b.NeedActAs("owner"); });
        Assert.Equal(Sql(first), Sql(then));
        Assert.Equal(["GRANT \"owner\" TO CURRENT_USER WITH INHERIT TRUE, SET TRUE", Usage.Sql, Grant.Sql, "REVOKE \"owner\" FROM CURRENT_USER"], Sql(then));
    }

    [Fact]
    public void A_superuser_owner_named_after_the_change_still_diverts_it_into_a_finding_and_nothing_else()
    {
        void Blocked(PlanBuilder b) => b.CannotActAs("rdsadmin", _ => "table app.audit");
        var first = Planned(b => { Blocked(b); b.Add(Phase.ObjectPrivileges, Grant); });
        var then = Planned(b => { b.Add(Phase.ObjectPrivileges, Grant); Blocked(b); });
        Assert.Equal(Sql(first), Sql(then));
        Assert.Equal([Usage.Sql], Sql(then));
        Assert.Equal(first.Findings.ToArray(), then.Findings.ToArray());
        Assert.Equal(Grant.Sql + ";", Assert.Single(then.Findings).FixSql);
    }

    [Fact]
    public void Acting_as_outside_a_unit_is_a_programming_error_not_a_silent_plan()
    {
        Assert.Throws<InvalidOperationException>(() => new PlanBuilder(170000).NeedActAs("owner"));
    }
}
