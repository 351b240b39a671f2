using System.Text.Json;
using RoleManager.Config;
using RoleManager.Inspect;
using RoleManager.Model;
using RoleManager.Reporting;

namespace RoleManager.Integration.Tests.RoundTrip;

/// <summary>
/// inspect is a faithful import: on hand-made layouts its output loads as a config and, applied to the same
/// database, plans nothing; --output json is the same config as a JSON document.
/// </summary>
public class InspectRoundTripTests
{
    public static TheoryData<string> Layouts() => new() { "reference", "group roles", "three auth kinds", "several schemas", "master-made schema" };

    private static string Config(TestDatabase db, string layout)
    {
        string m = db.Migrator, a = db.App, p = db.Prefix;
        string head = $"database: {db.Name}\nauth: password\n";
        return layout switch
        {
            "reference" => head + $$"""
                schemas: [{ name: app, owner: {{m}} }]
                roles:
                  - { name: {{m}}, password_env: X, search_path: [app] }
                  - { name: {{a}}, password_env: X, search_path: [app], grants: [{ schema: app, profile: readwrite }] }
                """,
            "group roles" => head + $$"""
                schemas: [{ name: app, owner: {{m}} }]
                roles:
                  - { name: {{m}}, password_env: X }
                  - { name: {{p}}_readers, login: false, grants: [{ schema: app, profile: readonly }] }
                  - { name: {{p}}_alice, password_env: X, member_of: [{{p}}_readers] }
                  - { name: {{a}}, password_env: X, grants: [{ schema: app, profile: all }] }
                """,
            "three auth kinds" => head + $$"""
                schemas: [{ name: app, owner: {{m}} }]
                roles:
                  - { name: {{m}}, auth: iam }
                  - { name: {{a}}, auth: none, grants: [{ schema: app, profile: readwrite }] }
                  - { name: {{p}}_reporting, password_env: X, grants: [{ schema: app, profile: readonly }] }
                """,
            "several schemas" => head + $$"""
                schemas: [{ name: app, owner: {{m}} }, { name: reports, owner: {{m}} }]
                roles:
                  - { name: {{m}}, password_env: X, search_path: [app, reports], createdb: true }
                  - { name: {{a}}, password_env: X, grants: [{ schema: app, profile: readwrite }, { schema: reports, profile: readonly }], connection_limit: 7 }
                  - { name: {{p}}_reporting, password_env: X, database_privileges: [connect], grants: [{ schema: reports, profile: readonly, execute: true }] }
                """,
            _ => head + $$"""
                schemas: [{ name: app, owner: {{m}} }]
                roles:
                  - { name: {{m}}, password_env: X }
                  - { name: {{a}}, password_env: X, grants: [{ schema: app, profile: readwrite }] }
                """,
        };
    }

    private static DesiredState Load(string yaml) => ConfigLoader.Load(yaml, "layout.yaml", _ => "pw-round-trip-1", new());

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Inspect_output_loads_as_a_config_that_plans_nothing_on_the_same_database(string layout)
    {
        var db = await TestDatabase.CreateAsync();
        var desired = Load(Config(db, layout));
        await db.ApplyAsync(desired);
        var scope = desired;
        if (layout == "master-made schema")
        {
            // Migrations once run as the master: a schema the master owns is not importable (its owner is no declared role).
            await using (var master = await db.MasterAsync())
                await TestDatabase.Exec(master, "CREATE SCHEMA legacy; CREATE TABLE legacy.t (id int)");
            scope = desired with { Schemas = desired.Schemas.Add(new SchemaSpec("legacy", db.Migrator)) };
        }
        var current = await db.Engine().InspectAsync(InspectionScope.For(scope), CancellationToken.None);
        string yaml = InspectYaml.Write(scope, current);

        var imported = ConfigLoader.Load(yaml, "inspected.yaml", _ => "pw-round-trip-1", new());
        var plan = (await db.PlanAsync(imported)).Plan;
        Assert.True(plan.IsConverged, yaml + "\n---\n" + string.Join("\n", plan.Changes.Select(c => c.Sql)) + string.Join("\n", plan.Findings.Select(f => f.FixSql)));
        Assert.DoesNotContain("legacy", yaml);
        Assert.DoesNotContain(Testing.PostgresServer.MasterUser, yaml);

        using var json = JsonDocument.Parse(InspectYaml.WriteJson(scope, current));
        Assert.Equal(db.Name, json.RootElement.GetProperty("database").GetString());
        Assert.Equal(imported.Roles.Length, json.RootElement.GetProperty("roles").GetArrayLength());
    }
}
