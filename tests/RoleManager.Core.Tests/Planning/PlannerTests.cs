using System.Collections.Immutable;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

public class PlannerTests
{
    private static readonly Privilege ReadWrite = Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete;

    private static DesiredState Layout(AuthMode auth = AuthMode.Iam, Profile profile = Profile.ReadWrite) =>
        DefaultLayout.Build(new DefaultLayoutOptions("appdb", Auth: auth, AppProfile: profile,
            AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));

    private static List<string> Sql(Plan plan) => plan.Changes.Select(c => c.Sql).ToList();

    /// <summary>The statements without the master's temporary acting-as membership around them.</summary>
    private static List<string> Work(Plan plan) =>
        plan.Changes.Where(c => c.Kind is not (ChangeKind.BeginActingAs or ChangeKind.EndActingAs)).Select(c => c.Sql).ToList();

    [Fact]
    public void A_converged_database_gives_an_empty_plan()
    {
        Assert.True(Planner.Plan(Layout(), CatalogBuilder.Converged().Build()).IsEmpty);
    }

    [Fact]
    public void An_empty_database_gets_roles_first_then_grants_and_the_temporary_membership_last()
    {
        var plan = Planner.Plan(Layout(), new CatalogBuilder().Schema("public", "pg_database_owner").Build());
        Assert.Equal(
        [
            """CREATE ROLE "migrator" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT -1""",
            """CREATE ROLE "app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT -1""",
            """ALTER ROLE "migrator" IN DATABASE "appdb" SET search_path TO "app" """.TrimEnd(),
            """ALTER ROLE "app" IN DATABASE "appdb" SET search_path TO "app" """.TrimEnd(),
            """GRANT "migrator" TO CURRENT_USER""",
            """GRANT "rds_iam" TO "migrator" """.TrimEnd(),
            """GRANT "rds_iam" TO "app" """.TrimEnd(),
            """REVOKE CONNECT, TEMPORARY ON DATABASE "appdb" FROM PUBLIC""",
            """GRANT CONNECT, TEMPORARY ON DATABASE "appdb" TO "migrator", "app" """.TrimEnd(),
            """CREATE SCHEMA "app" AUTHORIZATION "migrator" """.TrimEnd(),
            """GRANT USAGE ON SCHEMA "app" TO "app" """.TrimEnd(),
            """ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "app" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "app" """.TrimEnd(),
            """ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "app" GRANT SELECT, UPDATE, USAGE ON SEQUENCES TO "app" """.TrimEnd(),
            """ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "app" GRANT EXECUTE ON FUNCTIONS TO "app" """.TrimEnd(),
            """ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC""",
            """REVOKE "migrator" FROM CURRENT_USER""",
        ], Sql(plan));
    }

    [Fact]
    public void The_same_inputs_always_give_the_same_plan()
    {
        var current = new CatalogBuilder().Schema("public", "pg_database_owner").Table("app", "t", "migrator").Build();
        Assert.Equal(Sql(Planner.Plan(Layout(), current)), Sql(Planner.Plan(Layout(), current)));
    }

    [Fact]
    public void On_PostgreSQL_16_the_master_asks_for_inherit_and_set_when_acting_as_a_role()
    {
        var plan = Planner.Plan(Layout(), new CatalogBuilder { Version = 160000 }.Build());
        Assert.Contains("""GRANT "migrator" TO CURRENT_USER WITH INHERIT TRUE, SET TRUE""", Sql(plan));
    }

    [Fact]
    public void A_superuser_master_needs_no_temporary_membership()
    {
        var plan = Planner.Plan(Layout(), new CatalogBuilder { MasterIsSuperuser = true }.Build());
        Assert.DoesNotContain(plan.Changes, c => c.Kind is ChangeKind.BeginActingAs or ChangeKind.EndActingAs);
    }

    [Fact]
    public void Iam_auth_on_a_server_without_rds_iam_is_refused_with_advice()
    {
        var ex = Assert.Throws<PlanException>(() => Planner.Plan(Layout(), new CatalogBuilder { HasRdsIam = false }.Build()));
        Assert.Contains("rds_iam", ex.Message);
        Assert.Contains("--auth password", ex.Message);
    }

    [Fact]
    public void A_config_for_another_database_is_refused()
    {
        var ex = Assert.Throws<PlanException>(() => Planner.Plan(Layout(), new CatalogBuilder { Database = "other" }.Build()));
        Assert.Contains("\"appdb\"", ex.Message);
    }

    [Fact]
    public void Switching_from_iam_to_password_removes_rds_iam_and_keeps_the_password_out_of_the_printed_sql()
    {
        var plan = Planner.Plan(Layout(AuthMode.Password), CatalogBuilder.Converged(AuthMode.Iam).Build());
        Assert.Contains("""REVOKE "rds_iam" FROM "app" """.TrimEnd(), Sql(plan));

        var fresh = Planner.Plan(Layout(AuthMode.Password), new CatalogBuilder().Build());
        var create = fresh.Changes.First(c => c.Kind == ChangeKind.CreateRole);
        Assert.EndsWith("PASSWORD '********'", create.Sql);
        Assert.DoesNotContain("secret-pw", create.Sql);
        Assert.DoesNotContain("secret-pw", create.ToString());
        Assert.Contains("PASSWORD 'SCRAM-SHA-256$4096:", create.ExecutableSql());
        Assert.DoesNotContain("secret-pw", create.ExecutableSql());
    }

    [Fact]
    public void An_extra_privilege_on_one_table_is_revoked_by_name()
    {
        var current = CatalogBuilder.Converged()
            .Table("app", "a", "migrator", ("app", ReadWrite | Privilege.Truncate))
            .Table("app", "b", "migrator", ("app", ReadWrite))
            .Table("app", "c", "migrator", ("app", ReadWrite)).Build();
        Assert.Equal(["""REVOKE TRUNCATE ON TABLE "app"."a" FROM "app" """.TrimEnd()], Work(Planner.Plan(Layout(), current)));
    }

    [Fact]
    public void When_most_tables_lack_a_grant_one_statement_covers_the_schema()
    {
        var builder = CatalogBuilder.Converged();
        for (int i = 0; i < 10; i++) builder.Table("app", "t" + i, "migrator", i == 0 ? [("app", ReadWrite)] : []);
        Assert.Equal(["""GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "app" TO "app" """.TrimEnd()], Work(Planner.Plan(Layout(), builder.Build())));
    }

    [Fact]
    public void When_few_tables_lack_a_grant_only_those_are_named()
    {
        var builder = CatalogBuilder.Converged();
        for (int i = 0; i < 10; i++) builder.Table("app", "t" + i, "migrator", i == 3 ? [] : [("app", ReadWrite)]);
        Assert.Equal(["""GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "app"."t3" TO "app" """.TrimEnd()], Work(Planner.Plan(Layout(), builder.Build())));
    }

    [Fact]
    public void Tables_the_master_made_in_the_schema_are_handed_to_its_owner_and_tables_of_the_migrator_need_acting_as()
    {
        // Behaviour changed with issue 13: a master-owned table in a managed schema is handed over to the schema owner
        // (it used to be left to the master, which broke foreign-key checks once the master lost USAGE).
        var mine = CatalogBuilder.Converged().Table("app", "t", CatalogBuilder.Master).Build();
        var plan = Planner.Plan(Layout(), mine);
        Assert.Contains("""ALTER TABLE "app"."t" OWNER TO "migrator" """.TrimEnd(), Work(plan));
        Assert.Equal(ChangeKind.BeginActingAs, plan.Changes[0].Kind);
        var theirs = CatalogBuilder.Converged().Table("app", "t", "migrator").Build();
        Assert.Equal(ChangeKind.BeginActingAs, Planner.Plan(Layout(), theirs).Changes[0].Kind);
    }

    [Fact]
    public void An_undeclared_role_loses_only_create_on_a_managed_schema_and_keeps_its_other_privileges()
    {
        var current = CatalogBuilder.Converged()
            .DatabaseAcl(("migrator", Privilege.Connect | Privilege.Temporary), ("app", Privilege.Connect | Privilege.Temporary), ("analyst", Privilege.Connect | Privilege.Create))
            .Schema("app", "migrator", ("app", Privilege.Usage), ("analyst", Privilege.Usage | Privilege.Create))
            .Table("app", "t", "migrator", ("app", ReadWrite), ("analyst", Privilege.Select | Privilege.Truncate)).Build();
        // CREATE on a managed schema is how code lands where the schema owner's objects live (issue 26): revoked.
        // USAGE, the table privileges and CREATE on the database are the undeclared role's business (docs/security.md).
        var work = Sql(Planner.Plan(Layout(), current)).Where(s => !s.Contains("CURRENT_USER")).ToList();
        Assert.Equal(["""REVOKE CREATE ON SCHEMA "app" FROM "analyst" """.TrimEnd()], work);
    }

    [Fact]
    public void Create_on_public_is_revoked_from_public_and_from_declared_roles()
    {
        var current = CatalogBuilder.Converged()
            .Schema("public", "pg_database_owner", (CurrentState.Public, Privilege.Usage | Privilege.Create), ("app", Privilege.Create)).Build();
        var sql = Sql(Planner.Plan(Layout(), current));
        Assert.Contains("""REVOKE CREATE ON SCHEMA "public" FROM "app", PUBLIC""", sql);
    }

    [Fact]
    public void The_all_profile_grants_every_table_privilege_of_the_server_version()
    {
        var pg16 = Planner.Plan(Layout(profile: Profile.All), new CatalogBuilder { Version = 160000 }.Build());
        Assert.Contains(pg16.Changes, c => c.Sql.Contains("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES"));
        var pg17 = Planner.Plan(Layout(profile: Profile.All), new CatalogBuilder { Version = 170000 }.Build());
        Assert.Contains(pg17.Changes, c => c.Sql.Contains("TRUNCATE, REFERENCES, TRIGGER, MAINTAIN ON TABLES"));
    }

    [Fact]
    public void A_schema_owned_by_someone_else_changes_owner_with_a_temporary_create_on_the_database()
    {
        var current = CatalogBuilder.Converged().Schema("app", CatalogBuilder.Master, ("app", Privilege.Usage)).Build();
        var sql = Sql(Planner.Plan(Layout(), current));
        int grant = sql.IndexOf("""GRANT CREATE ON DATABASE "appdb" TO "migrator" """.TrimEnd());
        int alter = sql.IndexOf("""ALTER SCHEMA "app" OWNER TO "migrator" """.TrimEnd());
        int revoke = sql.IndexOf("""REVOKE CREATE ON DATABASE "appdb" FROM "migrator" """.TrimEnd());
        Assert.True(grant >= 0 && grant < alter && alter < revoke, string.Join("\n", sql));
    }

    [Fact]
    public void A_changed_search_path_and_connection_limit_are_corrected()
    {
        var current = CatalogBuilder.Converged().Role("app", searchPath: ["public"], memberOf: ["rds_iam"]).Build();
        Assert.Equal(["""ALTER ROLE "app" IN DATABASE "appdb" SET search_path TO "app" """.TrimEnd()], Sql(Planner.Plan(Layout(), current)));
    }

    [Fact]
    public void A_default_privilege_dropped_by_hand_is_restored()
    {
        var builder = CatalogBuilder.Converged();
        var current = builder.Build() with { DefaultAcls = builder.Build().DefaultAcls.Where(d => d.Kind != ObjectKind.Sequence).ToImmutableArray() };
        Assert.Equal(["""GRANT "migrator" TO CURRENT_USER""",
            """ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "app" GRANT SELECT, UPDATE, USAGE ON SEQUENCES TO "app" """.TrimEnd(),
            """REVOKE "migrator" FROM CURRENT_USER"""], Sql(Planner.Plan(Layout(), current)));
    }
}
