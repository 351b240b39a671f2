using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>
/// Issue 29, "plan as data, read back as text": what a blocked change touches is named from the names each change
/// carries (<see cref="Change.Target"/>), never from its SQL.
/// </summary>
public class ChangeTargetTests
{
    private static readonly Model.CurrentState Catalog = CatalogBuilder.Converged()
        .Role("rdsadmin")
        .Schema("vault", "rdsadmin")
        .Table("app", "audit", "rdsadmin")
        .Table("app", "ledger", "rdsadmin")
        .Build();

    [Fact]
    public void A_chunked_grant_names_the_superusers_table_it_carries_though_its_sql_does_not()
    {
        // A chunk of 12 tables logs only "12 tables": the names it carries are what the finding reads.
        var grant = new Change(ChangeKind.GrantObjects, "grant SELECT on 12 tables in schema app to app", "GRANT SELECT ON TABLE \"app\".\"t1\" TO \"app\"")
            { Log = new(Role: "app", Schema: "app", Object: "12 tables"), Target = ChangeTarget.On("app", ["t1", "audit"]) };
        Assert.Equal("table app.audit", PlanContext.SuperuserOwned(Catalog, "rdsadmin", [grant]));
    }

    [Fact]
    public void A_statement_whose_text_names_an_object_but_whose_data_does_not_names_nothing()
    {
        var grant = new Change(ChangeKind.GrantSchema, "grant USAGE on schema vault to app", "GRANT USAGE ON SCHEMA \"vault\" TO \"app\"; -- \"app\".\"audit\"");
        Assert.Equal("what the superuser rdsadmin granted or owns", PlanContext.SuperuserOwned(Catalog, "rdsadmin", [grant]));
    }

    [Fact]
    public void A_change_on_all_of_a_schema_names_the_schema_and_every_object_of_the_superuser_in_it()
    {
        var onSchema = new Change(ChangeKind.GrantSchema, "grant USAGE on schema vault to app", "") { Target = ChangeTarget.OnSchema("vault") };
        var allTables = new Change(ChangeKind.GrantObjects, "grant SELECT on all tables in schema app to app", "") { Target = ChangeTarget.AllIn("app") };
        Assert.Equal("schema vault", PlanContext.SuperuserOwned(Catalog, "rdsadmin", [onSchema]));
        Assert.Equal("table app.audit, table app.ledger", PlanContext.SuperuserOwned(Catalog, "rdsadmin", [allTables]));
    }
}
