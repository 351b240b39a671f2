using System.Collections.Immutable;
using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>The planner converges every source of privilege the model knows, or names a finding.</summary>
public class ConvergenceTests
{
    private static DesiredState Layout(Profile profile = Profile.ReadWrite) =>
        DefaultLayout.Build(new DefaultLayoutOptions("appdb", Auth: AuthMode.Iam, AppProfile: profile,
            AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));

    private static List<string> Sql(Plan plan) => plan.Changes.Select(c => c.Sql).ToList();

    private static CurrentState WithRole(CurrentState state, string name, Func<CurrentRole, CurrentRole> change) =>
        state with { Roles = state.Roles.SetItem(name, change(state.Roles[name])) };

    [Fact]
    public void An_undeclared_membership_in_a_predefined_role_is_revoked_and_the_declared_ones_stay()
    {
        var current = WithRole(CatalogBuilder.Converged().Build(), "app", r => r with
        {
            Memberships = [new Membership("pg_write_all_data", false, true), new Membership("rds_iam", false, true)],
        });
        Assert.Equal(["""REVOKE "pg_write_all_data" FROM "app" """.TrimEnd()], Sql(Planner.Plan(Layout(), current)));
    }

    [Fact]
    public void A_membership_the_master_may_not_revoke_is_a_finding_with_the_sql_and_not_a_change()
    {
        var current = WithRole(CatalogBuilder.Converged().Build(), "app", r => r with
        {
            Memberships = [new Membership("pg_read_all_data", false, false), new Membership("rds_iam", false, true)],
        });
        var plan = Planner.Plan(Layout(), current);
        Assert.True(plan.IsEmpty);
        var finding = Assert.Single(plan.Findings);
        Assert.Equal("""REVOKE "pg_read_all_data" FROM "app" """.TrimEnd(), finding.FixSql);
    }

    [Fact]
    public void An_admin_option_on_a_declared_membership_is_revoked_but_the_membership_stays()
    {
        var current = WithRole(CatalogBuilder.Converged().Build(), "app", r => r with { Memberships = [new Membership("rds_iam", true, true)] });
        Assert.Equal(["""REVOKE ADMIN OPTION FOR "rds_iam" FROM "app" """.TrimEnd()], Sql(Planner.Plan(Layout(), current)));
    }

    [Fact]
    public void Settings_made_for_a_role_in_this_database_are_reset()
    {
        var current = WithRole(CatalogBuilder.Converged().Build(), "app", r => r with { DatabaseSettings = ["search_path=app", "work_mem=1GB"] });
        Assert.Equal(["""ALTER ROLE "app" IN DATABASE "appdb" RESET "work_mem" """.TrimEnd()], Sql(Planner.Plan(Layout(), current)));
    }

    [Fact]
    public void Bypassrls_is_a_finding_because_only_a_superuser_may_remove_it()
    {
        var current = WithRole(CatalogBuilder.Converged().Build(), "app", r => r with { BypassRls = true });
        var plan = Planner.Plan(Layout(), current);
        Assert.True(plan.IsEmpty);
        Assert.Equal("""ALTER ROLE "app" WITH NOBYPASSRLS""", Assert.Single(plan.Findings).FixSql);
    }

    [Fact]
    public void A_table_given_to_app_is_handed_back_to_the_schema_owner_and_app_gets_its_profile_on_it()
    {
        var current = CatalogBuilder.Converged().Table("app", "t", "app").Build();
        var work = Sql(Planner.Plan(Layout(), current)).Where(s => !s.Contains("CURRENT_USER")).ToList();
        Assert.Equal(
        [
            """ALTER TABLE "app"."t" OWNER TO "migrator" """.TrimEnd(),
            """GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "app" TO "app" """.TrimEnd(),
        ], work);
    }

    [Fact]
    public void Views_sequences_procedures_and_aggregates_are_handed_over_with_their_own_statement_and_a_column_sequence_follows_its_table()
    {
        var state = CatalogBuilder.Converged().Build();
        var rw = Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete;
        var seq = Privilege.Usage | Privilege.Select | Privilege.Update;
        DbObject Obj(string name, ObjectKind kind, string sub, Privilege p, bool linked = false) =>
            new DbObject("app", name, kind == ObjectKind.Routine ? "integer" : "", kind, "master", true,
                ImmutableDictionary<string, Privilege>.Empty.Add("app", p)) { SubKind = sub, LinkedToTable = linked };
        state = state with { Objects = [Obj("v", ObjectKind.Table, "v", rw), Obj("m", ObjectKind.Table, "m", rw), Obj("s", ObjectKind.Sequence, "S", seq),
            Obj("t_id_seq", ObjectKind.Sequence, "S", seq, linked: true), Obj("p", ObjectKind.Routine, "p", Privilege.Execute), Obj("a", ObjectKind.Routine, "a", Privilege.Execute)] };
        var sql = Sql(Planner.Plan(Layout(), state));
        Assert.Contains("""ALTER VIEW "app"."v" OWNER TO "migrator" """.TrimEnd(), sql);
        Assert.Contains("""ALTER MATERIALIZED VIEW "app"."m" OWNER TO "migrator" """.TrimEnd(), sql);
        Assert.Contains("""ALTER SEQUENCE "app"."s" OWNER TO "migrator" """.TrimEnd(), sql);
        Assert.Contains("""ALTER PROCEDURE "app"."p"(integer) OWNER TO "migrator" """.TrimEnd(), sql);
        Assert.Contains("""ALTER AGGREGATE "app"."a"(integer) OWNER TO "migrator" """.TrimEnd(), sql);
        Assert.DoesNotContain(sql, s => s.Contains("t_id_seq"));
    }

    [Fact]
    public void A_table_of_a_superuser_is_a_finding_and_its_grants_are_not_planned()
    {
        var state = CatalogBuilder.Converged().Build();
        state = state with { Objects = [new DbObject("app", "t", "", ObjectKind.Table, "postgres", false, ImmutableDictionary<string, Privilege>.Empty) { SubKind = "r", OwnerIsSuperuser = true }] };
        var plan = Planner.Plan(Layout(), state);
        Assert.True(plan.IsEmpty);
        Assert.Equal("""ALTER TABLE "app"."t" OWNER TO "migrator" """.TrimEnd(), Assert.Single(plan.Findings).FixSql);
    }

    [Fact]
    public void A_column_grant_beyond_the_profile_is_revoked_and_one_within_it_is_left()
    {
        var desired = Layout(Profile.ReadOnly);
        var state = CatalogBuilder.Converged().Table("app", "t", "migrator", ("app", Privilege.Select)).Build();
        state = state with
        {
            DefaultAcls = state.DefaultAcls.Select(d => d.IsGlobal ? d : d with { Acl = d.Acl.SetItem("app", Privileges.ForProfile(Profile.ReadOnly, d.Kind, 150000)).RemoveRange(d.Kind == ObjectKind.Routine ? ["app"] : []) }).ToImmutableArray(),
            ColumnGrants = [new ColumnGrant("app", "t", "app", Privilege.Update, ["v", "w"]), new ColumnGrant("app", "t", "app", Privilege.Select, ["v"])],
        };
        Assert.Equal(["""REVOKE UPDATE ("v", "w") ON TABLE "app"."t" FROM "app" """.TrimEnd()],
            Sql(Planner.Plan(desired, state)).Where(s => !s.Contains("CURRENT_USER")));
    }

    [Fact]
    public void Public_execute_on_existing_routines_and_global_default_grants_to_declared_roles_are_revoked()
    {
        var state = CatalogBuilder.Converged()
            .Object("app", "f", ObjectKind.Routine, "migrator", ("app", Privilege.Execute), (CurrentState.Public, Privilege.Execute))
            .Default("migrator", DefaultAcl.Global, ObjectKind.Table, ("app", Privilege.Select | Privilege.Truncate))
            .Build();
        var work = Sql(Planner.Plan(Layout(), state)).Where(s => !s.Contains("CURRENT_USER")).ToList();
        Assert.Equal(
        [
            """REVOKE EXECUTE ON ALL ROUTINES IN SCHEMA "app" FROM PUBLIC""",
            """ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" REVOKE SELECT, TRUNCATE ON TABLES FROM "app" """.TrimEnd(),
        ], work);
    }

    [Fact]
    public void A_readonly_role_loses_execute_it_holds_and_a_schema_default_granting_public_is_revoked()
    {
        var state = CatalogBuilder.Converged()
            .Object("app", "f", ObjectKind.Routine, "migrator", ("app", Privilege.Execute))
            .Build();
        state = state with
        {
            DefaultAcls = state.DefaultAcls.Select(d => d.Schema == "app" && d.Kind == ObjectKind.Routine ? d with { Acl = d.Acl.Add(CurrentState.Public, Privilege.Execute) } : d)
                .Select(d => d.Schema == "app" && d.Kind == ObjectKind.Table ? d with { Acl = d.Acl.SetItem("app", Privilege.Select) } : d)
                .Select(d => d.Schema == "app" && d.Kind == ObjectKind.Sequence ? d with { Acl = d.Acl.SetItem("app", Privilege.Select) } : d).ToImmutableArray(),
        };
        var work = Sql(Planner.Plan(Layout(Profile.ReadOnly), state)).Where(s => !s.Contains("CURRENT_USER")).ToList();
        Assert.Contains("""REVOKE EXECUTE ON ALL ROUTINES IN SCHEMA "app" FROM "app" """.TrimEnd(), work);
        Assert.Contains("""ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "app" REVOKE EXECUTE ON FUNCTIONS FROM "app", PUBLIC""", work);
    }
}
