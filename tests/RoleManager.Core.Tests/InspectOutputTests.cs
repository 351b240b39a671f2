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
}
