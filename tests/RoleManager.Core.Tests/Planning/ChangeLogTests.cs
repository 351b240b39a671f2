using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>Each change carries the fields its log lines need (role, schema, object), set where the planner builds it.</summary>
public class ChangeLogTests
{
    private static Plan FirstApply(AuthMode auth = AuthMode.Password) => Planner.Plan(
        DefaultLayout.Build(new DefaultLayoutOptions("appdb", Auth: auth, AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw"))),
        new CatalogBuilder().Schema("public", "pg_database_owner").Build());

    [Fact]
    public void Every_change_of_a_first_apply_names_the_role_it_is_about()
    {
        var plan = FirstApply();
        Assert.NotEmpty(plan.Changes);
        Assert.All(plan.Changes, c => Assert.NotEqual(ChangeLog.NotApplicable, c.Log.Role));
    }

    [Fact]
    public void A_created_role_a_created_schema_and_a_default_privilege_carry_their_role_schema_and_object()
    {
        var plan = FirstApply();

        Assert.Equal(new ChangeLog(Role: "migrator"), plan.Changes.First(c => c.Kind == ChangeKind.CreateRole).Log);
        Assert.Equal(new ChangeLog(Role: "migrator", Schema: "app"), plan.Changes.Single(c => c.Kind == ChangeKind.CreateSchema).Log);
        Assert.Equal(new ChangeLog(Role: "app", Schema: "app"), plan.Changes.Single(c => c.Kind == ChangeKind.GrantSchema).Log);
        var defaults = plan.Changes.First(c => c.Kind == ChangeKind.GrantDefault).Log;
        Assert.Equal(("app", "app", "default privileges of migrator"), (defaults.Role, defaults.Schema, defaults.Object));
        Assert.Equal("database appdb", plan.Changes.First(c => c.Kind == ChangeKind.GrantDatabase).Log.Object);
    }

    [Fact]
    public void A_password_change_names_its_role_and_never_the_password()
    {
        var plan = FirstApply();
        var create = plan.Changes.First(c => c.Kind == ChangeKind.CreateRole);

        Assert.Equal("migrator", create.Log.Role);
        Assert.DoesNotContain("secret", create.Log.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
