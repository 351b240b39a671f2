using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Core.Tests;

/// <summary>The grant keys <c>tables:</c> and <c>columns:</c> and the profile <c>usage</c> (issue 27).</summary>
public class NamedGrantConfigTests
{
    private static DesiredState Load(string grants) => ConfigLoader.Load($$"""
        database: app
        auth: none
        schemas: [{ name: app, owner: migrator }]
        roles:
          - name: migrator
          - name: reporting
            grants:
        {{grants}}
        """, "named.yaml", _ => null, new ConfigDefaults());

    [Fact]
    public void A_usage_grant_with_tables_and_columns_loads_as_named_grants_beside_the_profile()
    {
        var state = Load("""
                  - schema: app
                    profile: usage
                    tables: [{ name: t2, privileges: [select, insert] }]
                    columns: [{ table: t1, columns: [id, s], privileges: [select] }]
            """);
        var reporting = state.FindRole("reporting")!;
        Assert.Equal(new GrantSpec("app", Profile.Usage), Assert.Single(reporting.Grants));
        Assert.Equal(["app.t2 SELECT, INSERT ", "app.t1 SELECT id,s"],
            reporting.NamedGrants.Select(g => $"{g.Schema}.{g.Table} {Privileges.ToSql(g.Privileges)} {string.Join(",", g.Columns)}"));
        Assert.Equal(Privilege.Select | Privilege.Insert, PrivilegeModel.DirectOnTable(reporting, state.Schemas[0], "t2", 150000));
        Assert.Equal(Privilege.None, PrivilegeModel.DirectOnTable(reporting, state.Schemas[0], "t1", 150000));
        Assert.True(PrivilegeModel.NeedsUsage(reporting, state.Schemas[0]));
    }

    [Fact]
    public void Each_mistake_in_tables_and_columns_is_reported_with_its_line_column_and_key()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("""
                  - schema: app
                    profile: usage
                    tables: [{ name: t2, privileges: [maintain] }]
                    columns:
                      - { table: t1, columns: [id], privileges: [delete] }
                      - { table: t1, privileges: [select] }
            """));
        Assert.Equal([
            "named.yaml:10:43: roles[1].grants[0].tables[0].privileges[0]: 'maintain' is not a table privilege: use select, insert, update, delete, truncate, references or trigger",
            "named.yaml:12:54: roles[1].grants[0].columns[0].privileges[0]: 'delete' is not a column privilege: use select, insert, update or references",
            "named.yaml:13:13: roles[1].grants[0].columns[1].columns: 'columns' is missing: name the columns, e.g. [id, name]",
        ], ex.Problems);
    }

    [Fact]
    public void The_owner_profile_takes_no_named_grants()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("""
                  - { schema: app, profile: owner, tables: [{ name: t1, privileges: [select] }] }
            """));
        // Every problem is reported at once: the owner grant also conflicts with the schema's declared owner.
        Assert.Contains(ex.Problems, p => p.Contains("roles[1].grants[0]: the owner profile already holds every privilege", StringComparison.Ordinal));
    }
}
