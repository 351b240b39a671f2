using System.Collections.Immutable;
using RoleManager.Check;
using RoleManager.Model;

namespace RoleManager.Core.Tests;

/// <summary>The check probes one role per class (issue 19): roles that differ in anything a probe sees must not share one.</summary>
public class EquivalenceClassTests
{
    private static readonly SchemaSpec App = PrivilegeModelTests.App;

    private static RoleSpec Role(string name, string[]? memberOf = null, params GrantSpec[] grants) => PrivilegeModelTests.Role(name, memberOf, grants);

    private static IReadOnlyList<EquivalenceClass> Classes(params RoleSpec[] roles)
    {
        var desired = new DesiredState("appdb", [App], roles.Prepend(Role("migrator")).ToImmutableArray(), []);
        return EquivalenceClass.Of(desired, roles, App, 170000);
    }

    private static string[][] Names(IReadOnlyList<EquivalenceClass> classes) =>
        classes.Select(c => c.Members.Select(m => m.Name).ToArray()).ToArray();

    [Fact]
    public void Readers_with_the_same_grant_share_one_class_whose_first_role_is_probed()
    {
        var classes = Classes(Role("r1", null, new GrantSpec("app", Profile.ReadOnly)), Role("w1", null, new GrantSpec("app", Profile.ReadWrite)),
            Role("r2", null, new GrantSpec("app", Profile.ReadOnly)));
        Assert.Equal([["r1", "r2"], ["w1"]], Names(classes));
        Assert.Equal("r1", classes[0].Representative.Name);
        Assert.Equal(["r2"], classes[0].Others.Select(r => r.Name));
    }

    [Fact]
    public void A_reader_through_a_group_is_not_probed_for_a_direct_reader()
    {
        // Same effective privileges, but a revoked membership would change only one of them: the groups are part of the key.
        var classes = Classes(Role("readers", null, new GrantSpec("app", Profile.ReadOnly)), Role("direct", null, new GrantSpec("app", Profile.ReadOnly)),
            Role("alice", ["readers"]));
        Assert.Equal([["readers", "direct"], ["alice"]], Names(classes));
    }

    [Fact]
    public void Attributes_and_the_execute_option_split_a_class()
    {
        var reader = new GrantSpec("app", Profile.ReadOnly);
        var classes = Classes(Role("a", null, reader), Role("b", null, reader) with { CreateDb = true }, Role("c", null, reader) with { Login = false },
            Role("d", null, reader with { Execute = true }), Role("e", null, reader));
        Assert.Equal([["a", "e"], ["b"], ["c"], ["d"]], Names(classes));
    }
}
