using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Core.Tests;

/// <summary><c>member_of</c> items with options: <c>{ role, inherit, set, admin }</c> beside plain names (issue 27).</summary>
public class MembershipOptionsConfigTests
{
    private static DesiredState Load(string memberOf) => ConfigLoader.Load($$"""
        database: app
        auth: none
        schemas: [{ name: app, owner: migrator }]
        roles:
          - name: migrator
          - { name: readers, login: false, grants: [{ schema: app, profile: readonly }] }
          - { name: writers, login: false, grants: [{ schema: app, profile: readwrite }] }
          - name: alice
            member_of:
        {{memberOf}}
        """, "members.yaml", _ => null, new ConfigDefaults());

    [Fact]
    public void A_mapping_gives_the_options_and_a_plain_name_stays_plain()
    {
        var state = Load("""
                  - readers
                  - { role: writers, inherit: false, set: true, admin: true }
            """);
        var alice = state.FindRole("alice")!;
        Assert.Equal(["readers", "writers"], alice.MemberOf.ToArray());
        Assert.Equal(MembershipOptions.Plain, alice.OptionsIn("readers"));
        Assert.Equal(new MembershipOptions(Inherit: false, Set: true, Admin: true), alice.OptionsIn("writers"));
    }

    [Fact]
    public void A_mapping_with_the_plain_options_is_the_plain_form()
    {
        var alice = Load("      - { role: readers, inherit: true, set: true, admin: false }").FindRole("alice")!;
        Assert.Empty(alice.MembershipOptions);
        Assert.Equal(MembershipOptions.Plain, alice.OptionsIn("readers"));
    }

    [Fact]
    public void A_group_reached_only_without_inherit_gives_its_member_nothing_in_the_privilege_model()
    {
        var state = Load("""
                  - readers
                  - { role: writers, inherit: false }
            """);
        var schema = state.Schemas[0];
        Assert.Equal(["readers"], PrivilegeModel.GroupsOf(state, "alice"));
        Assert.Equal(Privilege.Select, PrivilegeModel.Effective(state, "alice", schema, ObjectKind.Table, 170000));
    }

    [Fact]
    public void Each_mistake_in_a_membership_is_reported_with_its_line_column_and_key()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("""
                  - { role: readers, inherit: maybe }
                  - { set: false }
                  - { role: writers, grant: true }
                  - [writers]
                  - readers
            """));
        Assert.Equal([
            "members.yaml:10:35: roles[3].member_of[0].inherit: 'maybe' is not a boolean: use true or false",
            "members.yaml:11:9: roles[3].member_of[1].role: 'role' is missing",
            "members.yaml:12:26: roles[3].member_of[2].grant: unknown key 'grant'; allowed here: role, inherit, set, admin",
            "members.yaml:13:9: roles[3].member_of[3]: must be a role name or a mapping { role: NAME, inherit: BOOL, set: BOOL, admin: BOOL }",
            "members.yaml:14:9: roles[3].member_of[4]: \"readers\" is listed twice",
        ], ex.Problems);
    }
}
