using RoleManager.Config;
using RoleManager.Model;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// README, "What it builds": "With only a database name, `role-manager apply` converges the database to: roles
/// `migrator`, `app` ... members of `rds_iam` when IAM auth is on (the default)"; and the function's environment:
/// "`ROLE_MANAGER_AUTH` (`iam` by default)". Both hosts give no auth when none is set; the layout source decides.
/// </summary>
public sealed class ReadmeMoreDefaultLayoutClaimsTests
{
    [Fact]
    public void With_only_a_database_name_the_layout_is_migrator_owning_schema_app_and_app_reading_and_writing_it_with_iam_logins()
    {
        var desired = LayoutSource.Resolve(new LayoutInputs(), _ => null, "appdb");

        Assert.Equal("appdb", desired.Database);
        Assert.Equal(new[] { new SchemaSpec("app", "migrator") }, desired.Schemas.ToArray());
        Assert.Equal(new[] { "app", "migrator" }, desired.Roles.Select(r => r.Name).Order().ToArray());
        Assert.All(desired.Roles, r => Assert.True(r.Login && r.Auth == AuthMode.Iam, $"{r.Name}: login {r.Login}, auth {r.Auth}"));
        Assert.Equal(new[] { new GrantSpec("app", Profile.ReadWrite) }, desired.FindRole("app")!.Grants.ToArray());
    }
}
