using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Core.Tests;

public class PrivilegeModelTests
{
    internal static readonly SchemaSpec App = new("app", "migrator");

    /// <summary>A login role with CONNECT (also used by <see cref="EquivalenceClassTests"/>).</summary>
    internal static RoleSpec Role(string name, string[]? memberOf = null, params GrantSpec[] grants) =>
        new(name, true, AuthMode.None, null, grants.ToImmutableArray(), (memberOf ?? []).ToImmutableArray(), [DatabasePrivilege.Connect]);

    private static DesiredState Layout(params RoleSpec[] roles) => new("appdb", [App], roles.ToImmutableArray(), []);

    [Fact]
    public void A_member_of_a_reading_group_reads_through_it_and_holds_nothing_directly()
    {
        var desired = Layout(Role("migrator"), Role("readers", null, new GrantSpec("app", Profile.ReadOnly)), Role("alice", ["readers"]));
        Assert.Equal(Privilege.Select, PrivilegeModel.Effective(desired, "alice", App, ObjectKind.Table, 150000));
        Assert.Equal(Privilege.None, PrivilegeModel.Direct(desired.FindRole("alice")!, App, ObjectKind.Table, 150000));
        Assert.Equal(Privilege.Usage, PrivilegeModel.EffectiveOnSchema(desired, "alice", App));
    }

    [Fact]
    public void Groups_are_followed_transitively_and_a_cycle_does_not_loop()
    {
        var desired = Layout(Role("migrator"), Role("a", ["b"]), Role("b", ["c"]), Role("c", ["a"], new GrantSpec("app", Profile.ReadWrite)));
        Assert.Equal(["b", "c"], PrivilegeModel.GroupsOf(desired, "a"));
        Assert.True(PrivilegeModel.Effective(desired, "a", App, ObjectKind.Table, 150000).HasFlag(Privilege.Insert));
    }

    [Fact]
    public void A_member_of_the_schema_owner_owns_the_schema()
    {
        var desired = Layout(Role("migrator"), Role("deployer", ["migrator"]));
        Assert.True(PrivilegeModel.OwnsSchema(desired, "deployer", App));
        Assert.Equal(Privilege.Usage | Privilege.Create, PrivilegeModel.EffectiveOnSchema(desired, "deployer", App));
    }

    [Fact]
    public void Readonly_executes_routines_only_when_the_grant_asks_and_readwrite_always_does()
    {
        Assert.Equal(Privilege.None, PrivilegeModel.Direct(Role("r", null, new GrantSpec("app", Profile.ReadOnly)), App, ObjectKind.Routine, 150000));
        Assert.Equal(Privilege.Execute, PrivilegeModel.Direct(Role("r", null, new GrantSpec("app", Profile.ReadOnly, Execute: true)), App, ObjectKind.Routine, 150000));
        Assert.Equal(Privilege.Execute, PrivilegeModel.Direct(Role("w", null, new GrantSpec("app", Profile.ReadWrite)), App, ObjectKind.Routine, 150000));
        Assert.Equal(Privilege.Execute, PrivilegeModel.Direct(Role("x", null, new GrantSpec("app", Profile.All)), App, ObjectKind.Routine, 150000));
    }

    [Fact]
    public void Database_privileges_add_up_over_groups()
    {
        var group = Role("g") with { DatabasePrivileges = [DatabasePrivilege.Temporary] };
        var desired = Layout(Role("migrator"), group, Role("alice", ["g"]));
        Assert.Equal(Privilege.Connect | Privilege.Temporary, PrivilegeModel.EffectiveOnDatabase(desired, "alice"));
    }
}
