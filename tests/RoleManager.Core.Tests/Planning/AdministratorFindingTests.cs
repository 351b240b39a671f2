using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>Fuzz seed 56: an administrator's finding carries every revoke the master cannot make, so one round converges.</summary>
public class AdministratorFindingTests
{
    [Fact]
    public void A_refused_administrators_finding_also_revokes_the_memberships_the_master_may_not()
    {
        var layout = DefaultLayout.Build(new DefaultLayoutOptions("appdb", Auth: AuthMode.Iam,
            AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));
        var builder = CatalogBuilder.Converged();
        builder.Version = 170000;
        var state = builder.Build();
        state = state with
        {
            Roles = state.Roles.SetItem("app", state.Roles["app"] with
            {
                CreateRole = true,
                Memberships = [new Membership("pg_signal_backend", false, false) { Grantor = "postgres" }, new Membership("rds_iam", false, true)],
            }),
        };
        var finding = Assert.Single(Planner.Plan(layout, state).Findings, f => f.Subject == "role app");
        Assert.Equal("""ALTER ROLE "app" WITH NOCREATEROLE; REVOKE "pg_signal_backend" FROM "app" GRANTED BY "postgres" """.TrimEnd(), finding.FixSql);
    }
}
