using System.Text.Json;
using Json.Schema;
using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Reporting;

namespace RoleManager.Core.Tests;

public class InspectOutputTests
{
    private static DesiredState Scope(AuthMode auth) =>
        DefaultLayout.Build(new DefaultLayoutOptions("appdb", Auth: auth, AppPassword: new Secret("a-secret-pw-1"), MigratorPassword: new Secret("m-secret-pw-1")));

    [Fact]
    public void Json_output_is_a_config_document_that_the_json_schema_accepts()
    {
        var current = CatalogBuilder.Converged(AuthMode.Password).Build();
        string json = InspectYaml.WriteJson(Scope(AuthMode.Password), current);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        var result = ConfigTests.Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, json);
        Assert.Equal("APP_PASSWORD", document.RootElement.GetProperty("roles")[1].GetProperty("password_env").GetString());
    }

    [Fact]
    public void A_role_without_password_comes_back_as_auth_none_and_the_yaml_loads()
    {
        var current = CatalogBuilder.Converged(AuthMode.None).Build();
        string yaml = InspectYaml.Write(Scope(AuthMode.None), current);
        Assert.Contains("auth: none", yaml);
        Assert.DoesNotContain("password_env", yaml);
        var loaded = ConfigLoader.Load(yaml, "inspected.yaml", _ => null, new());
        Assert.All(loaded.Roles, r => Assert.Equal(AuthMode.None, r.Auth));
    }

    [Fact]
    public void A_schema_the_master_owns_is_left_out_and_non_default_database_privileges_are_kept()
    {
        var current = CatalogBuilder.Converged(AuthMode.Iam)
            .Schema("app", CatalogBuilder.Master, ("app", Privilege.Usage))
            .DatabaseAcl(("migrator", Privilege.Connect), ("app", Privilege.Connect | Privilege.Temporary | Privilege.Create)).Build();
        var config = InspectYaml.Read(Scope(AuthMode.Iam), current);
        Assert.Empty(config.Schemas);
        Assert.Equal(["connect"], config.Roles.Single(r => r.Name == "migrator").DatabasePrivileges!);
        Assert.Equal(["connect", "temporary", "create"], config.Roles.Single(r => r.Name == "app").DatabasePrivileges!);
        Assert.Null(config.Roles.Single(r => r.Name == "app").SearchPath!.FirstOrDefault(s => s == "app"));
    }

    private static DesiredState WithReporting(DesiredState scope) =>
        scope with { Roles = scope.Roles.Add(new RoleSpec("reporting", true, AuthMode.Iam, null, [], [], [])) };

    [Fact]
    public void A_role_with_select_on_one_table_of_two_and_some_columns_is_printed_with_usage_and_those_named_grants_not_readonly()
    {
        var rw = Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete;
        var current = CatalogBuilder.Converged(AuthMode.Iam)
            .Role("reporting")
            .Schema("app", "migrator", ("app", Privilege.Usage), ("reporting", Privilege.Usage))
            .Table("app", "t1", "migrator", ("app", rw), ("reporting", Privilege.Select))
            .Table("app", "t2", "migrator", ("app", rw)).Build() with
        {
            ColumnGrants = [new ColumnGrant("app", "t2", "reporting", Privilege.Select, ["id", "s"])],
        };
        var grant = Assert.Single(InspectYaml.Read(WithReporting(Scope(AuthMode.Iam)), current).Roles.Single(r => r.Name == "reporting").Grants!);
        Assert.Equal("usage", grant.Profile);
        Assert.Equal(["t1:select"], grant.Tables!.Select(t => $"{t.Name}:{string.Join(",", t.Privileges)}"));
        Assert.Equal(["t2:id,s:select"], grant.Columns!.Select(c => $"{c.Table}:{string.Join(",", c.Columns)}:{string.Join(",", c.Privileges)}"));

        // Both outputs are configs: the JSON Schema accepts the JSON, the loader reads the YAML back to the same grants.
        using var json = JsonDocument.Parse(InspectYaml.WriteJson(WithReporting(Scope(AuthMode.Iam)), current));
        var result = ConfigTests.Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, json.RootElement.ToString());
        var loaded = ConfigLoader.Load(InspectYaml.Write(WithReporting(Scope(AuthMode.Iam)), current), "inspected.yaml", _ => null, new());
        Assert.Equal(["t1 SELECT", "t2 SELECT id,s"], loaded.FindRole("reporting")!.NamedGrants.Select(g => $"{g.Table} {Privileges.ToSql(g.Privileges)}{(g.OnColumns ? " " + string.Join(",", g.Columns) : "")}"));
    }

    [Fact]
    public void A_table_left_out_of_what_the_default_privileges_give_is_refused_naming_the_role_and_table()
    {
        var current = CatalogBuilder.Converged(AuthMode.Iam)
            .Table("app", "t1", "migrator", ("app", Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete))
            .Table("app", "t2", "migrator", ("app", Privilege.Select)).Build();
        var refused = Assert.Throws<InspectRefusedException>(() => InspectYaml.Write(Scope(AuthMode.Iam), current));
        Assert.Equal(["role app on schema app: holds SELECT on table app.t2, where profile readwrite (from the default privileges of migrator) would grant INSERT, UPDATE, DELETE too: " +
                      "a profile grants every object of its kind, and a config cannot leave one out"], refused.Problems);
    }

    [Fact]
    public void What_a_config_cannot_say_beyond_the_grants_is_named_from_the_plan_of_the_printed_config()
    {
        // PUBLIC may read a table of a managed schema: no config says that, and applying one would revoke it.
        var current = CatalogBuilder.Converged(AuthMode.Iam)
            .Table("app", "t1", "migrator", ("app", Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete), (CurrentState.Public, Privilege.Select)).Build();
        var refused = Assert.Throws<InspectRefusedException>(() => InspectYaml.Read(Scope(AuthMode.Iam), current));
        Assert.Equal(["the config cannot say this, and applying it would revoke SELECT on all tables in schema app from PUBLIC"], refused.Problems);
        Assert.Contains("Nothing was printed", refused.Message);
    }

    [Fact]
    public void A_role_holding_exactly_a_profile_everywhere_is_printed_with_that_profile()
    {
        var rw = Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete;
        var current = CatalogBuilder.Converged(AuthMode.Iam).Table("app", "t1", "migrator", ("app", rw)).Table("app", "t2", "migrator", ("app", rw)).Build();
        var grant = Assert.Single(InspectYaml.Read(Scope(AuthMode.Iam), current).Roles.Single(r => r.Name == "app").Grants!);
        Assert.Equal(new InspectedGrant("app", "readwrite", null), grant);
    }

    [Fact]
    public void A_password_role_keeps_the_secret_or_variable_its_config_names_instead_of_an_invented_variable()
    {
        var scope = Scope(AuthMode.Password);
        scope = scope with
        {
            Roles = [.. scope.Roles.Select(r => r.Name == "app" ? r with { PasswordSource = new(Passwords.PasswordOrigin.Secret, "role-manager/roles/app") } : r)],
        };
        string yaml = InspectYaml.Write(scope, CatalogBuilder.Converged(AuthMode.Password).Build());
        var loaded = ConfigLoader.Load(yaml, "inspected.yaml", name => name == "MIGRATOR_PASSWORD" ? "m-secret-pw-1" : null, new());
        Assert.Equal(("role-manager/roles/app", AuthMode.Password), (loaded.FindRole("app")!.PasswordSource!.Reference, loaded.FindRole("app")!.Auth));
        Assert.Equal("MIGRATOR_PASSWORD", loaded.FindRole("migrator")!.PasswordSource!.Reference);
        Assert.DoesNotContain("APP_PASSWORD", yaml);
    }
}
