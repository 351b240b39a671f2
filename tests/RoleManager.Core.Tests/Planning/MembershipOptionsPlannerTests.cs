using System.Collections.Immutable;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>Membership options (INHERIT, SET on 16+; ADMIN on every major) on the pure planner (issue 27).</summary>
public class MembershipOptionsPlannerTests
{
    /// <summary>The default layout plus a NOLOGIN group <c>readers</c> that app is a member of with <paramref name="options"/>.</summary>
    private static DesiredState Layout(MembershipOptions options)
    {
        var layout = DefaultLayout.Build(new DefaultLayoutOptions("appdb", Auth: AuthMode.Iam,
            AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));
        var readers = new RoleSpec("readers", false, AuthMode.None, null, [], [], []);
        var roles = layout.Roles.Select(r => r.Name != "app" ? r : r with
        {
            MemberOf = ["readers"],
            MembershipOptions = options.IsPlain ? ImmutableDictionary<string, MembershipOptions>.Empty
                : ImmutableDictionary<string, MembershipOptions>.Empty.Add("readers", options),
        });
        return layout with { Roles = [.. roles, readers] };
    }

    /// <summary>The converged default layout on <paramref name="version"/>, with readers, and app's rows in it.</summary>
    private static CurrentState Current(int version, params Membership[] rows)
    {
        var builder = CatalogBuilder.Converged();
        builder.Version = version;
        var state = builder.Role("readers").Build();
        var app = state.Roles["app"];
        return state with
        {
            Roles = state.Roles
                .SetItem("readers", state.Roles["readers"] with { Login = false })
                .SetItem("app", app with { Memberships = [.. rows, new Membership("rds_iam", false, true) { InheritOption = version >= 160000 ? true : null, SetOption = version >= 160000 ? true : null }] }),
        };
    }

    private static Membership Row(bool admin, bool? inherit, bool? set, string grantor = CatalogBuilder.Master, bool revocable = true) =>
        new("readers", admin, revocable) { Grantor = grantor, InheritOption = inherit, SetOption = set };

    private static List<string> Sql(Plan plan) => plan.Changes.Select(c => c.Sql).ToList();

    [Fact]
    public void On_17_a_new_membership_is_granted_with_every_declared_option()
    {
        var plan = Planner.Plan(Layout(new MembershipOptions(Inherit: false, Set: false, Admin: true)), Current(170000));
        Assert.Contains("""GRANT "readers" TO "app" WITH INHERIT FALSE, SET FALSE, ADMIN TRUE""", Sql(plan));
    }

    [Fact]
    public void On_17_a_plain_membership_is_granted_as_before()
    {
        var plan = Planner.Plan(Layout(MembershipOptions.Plain), Current(170000));
        Assert.Contains("""GRANT "readers" TO "app" """.TrimEnd(), Sql(plan));
    }

    [Fact]
    public void On_17_options_changed_by_hand_on_a_declared_membership_are_put_back()
    {
        var plan = Planner.Plan(Layout(MembershipOptions.Plain), Current(170000, Row(admin: true, inherit: false, set: false)));
        Assert.Equal([
            """REVOKE ADMIN OPTION FOR "readers" FROM "app" GRANTED BY "master" """.TrimEnd(),
            """GRANT "readers" TO "app" WITH INHERIT TRUE, SET TRUE""",
        ], Sql(plan));
    }

    [Fact]
    public void On_17_an_option_the_config_takes_away_is_revoked_from_every_row_that_holds_it()
    {
        var plan = Planner.Plan(Layout(new MembershipOptions(Inherit: false, Set: true)),
            Current(170000, Row(false, true, true), Row(false, true, false, grantor: "alice")));
        Assert.Equal([
            """REVOKE INHERIT OPTION FOR "readers" FROM "app" GRANTED BY "master" """.TrimEnd(),
            """REVOKE INHERIT OPTION FOR "readers" FROM "app" GRANTED BY "alice" """.TrimEnd(),
        ], Sql(plan));
    }

    [Fact]
    public void On_17_a_converged_membership_with_options_plans_nothing()
    {
        var plan = Planner.Plan(Layout(new MembershipOptions(Inherit: false, Set: false, Admin: true)), Current(170000, Row(true, false, false)));
        Assert.True(plan.IsEmpty, string.Join("\n", Sql(plan)));
        Assert.Empty(plan.Findings);
    }

    [Fact]
    public void An_option_the_master_may_not_revoke_is_a_finding_naming_the_grantor()
    {
        var plan = Planner.Plan(Layout(new MembershipOptions(Set: false)), Current(170000, Row(false, true, true, grantor: "rdsadmin", revocable: false)));
        Assert.True(plan.IsEmpty);
        var finding = Assert.Single(plan.Findings);
        Assert.Equal("""REVOKE SET OPTION FOR "readers" FROM "app" GRANTED BY "rdsadmin" """.TrimEnd(), finding.FixSql);
        Assert.Contains("holds SET OPTION on readers (granted by rdsadmin)", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void On_15_admin_is_granted_and_revoked_and_inherit_and_set_are_not_options()
    {
        Assert.Equal(["""GRANT "readers" TO "app" WITH ADMIN OPTION"""],
            Sql(Planner.Plan(Layout(new MembershipOptions(Admin: true)), Current(150000, Row(false, null, null)))));
        Assert.Equal(["""REVOKE ADMIN OPTION FOR "readers" FROM "app" """.TrimEnd()],
            Sql(Planner.Plan(Layout(MembershipOptions.Plain), Current(150000, Row(true, null, null)))));
        Assert.True(Planner.Plan(Layout(MembershipOptions.Plain), Current(150000, Row(false, null, null))).IsEmpty);
    }

    [Fact]
    public void On_15_inherit_or_set_false_stops_the_plan_naming_the_role_the_group_and_the_way_out()
    {
        var ex = Assert.Throws<PlanException>(() => Planner.Plan(Layout(new MembershipOptions(Inherit: false)), Current(150000, Row(false, null, null))));
        Assert.Contains("Role \"app\" declares its membership in \"readers\" with inherit: false, which needs PostgreSQL 16 or later (this server is 15.1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Remove those options from member_of", ex.Message, StringComparison.Ordinal);
    }
}
