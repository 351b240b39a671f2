using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Core.Tests;

/// <summary>
/// reassign_owned_to (issue 26): the role that takes what a retiring role owns outside the managed schemas, code
/// included, so it must be declared, kept and unprivileged; each mistake is named with file:line:col.
/// </summary>
public class ReassignOwnedToConfigTests
{
    private static DesiredState Load(string roles) => ConfigLoader.Load($"""
        database: app
        auth: none
        schemas: [{"{"} name: app, owner: mig {"}"}]
        roles:
          - {"{"} name: mig {"}"}
        {roles}
        """, "test.yaml", _ => null, new ConfigDefaults());

    [Fact]
    public void A_retiring_role_names_a_declared_kept_role_to_take_what_it_owns()
    {
        var state = Load("  - { name: legacy, drop: true, reassign_owned_to: archive }\n  - { name: archive, login: false }");
        Assert.Equal("archive", state.FindRole("legacy")!.ReassignOwnedTo);
    }

    [Theory]
    [InlineData("  - { name: legacy, drop: true, reassign_owned_to: nobody }", "role \"nobody\" is not declared under 'roles'")]
    [InlineData("  - { name: legacy, reassign_owned_to: mig }", "'reassign_owned_to' only applies to a role marked drop: true")]
    [InlineData("  - { name: legacy, drop: true, reassign_owned_to: legacy }", "cannot reassign what it owns to itself")]
    [InlineData("  - { name: legacy, drop: true, reassign_owned_to: old }\n  - { name: old, drop: true }", "role \"old\" is marked drop: true")]
    [InlineData("  - { name: legacy, drop: true, reassign_owned_to: boss }\n  - { name: boss, createrole: true }", "role \"boss\" is privileged (createrole: true)")]
    [InlineData("  - { name: legacy, drop: true, reassign_owned_to: boss }\n  - { name: boss, adopt: true }", "role \"boss\" is privileged (adopt: true)")]
    public void A_reassign_owned_to_that_is_not_a_declared_kept_unprivileged_role_is_refused_with_its_line(string roles, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Load(roles));
        Assert.Contains("test.yaml:6:", ex.Message);
        Assert.Contains("roles[1].reassign_owned_to: ", ex.Message);
        Assert.Contains(message, ex.Message);
    }
}
