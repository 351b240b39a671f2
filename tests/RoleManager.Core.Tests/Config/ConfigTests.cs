using System.Text.Json.Nodes;
using Json.Schema;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Core.Tests;

public class ConfigTests
{
    private static string Root() => RoleManager.Testing.RepositoryRoot.Path;

    // The schema registers its $id globally: build it once per process.
    internal static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(Root(), "schema", "role-manager.schema.json"))));

    private static DesiredState Load(string yaml, Func<string, string?>? env = null) =>
        ConfigLoader.Load(yaml, "test.yaml", env ?? (_ => null), new ConfigDefaults());

    [Fact]
    public void The_design_sketch_loads_with_the_owner_folded_into_the_schema()
    {
        var state = Load("""
            database: app
            schemas:
              - name: app
                owner: migrator
            roles:
              - name: migrator
                login: true
                auth: iam
                search_path: [app]
              - name: app
                login: true
                auth: iam
                search_path: [app]
                grants:
                  - { schema: app, profile: readwrite }
              - name: reporting
                login: true
                auth: iam
                grants:
                  - { schema: app, profile: readonly }
            extensions: [vector]
            """);
        Assert.Equal("app", state.Database);
        Assert.Equal(new SchemaSpec("app", "migrator"), Assert.Single(state.Schemas));
        Assert.Equal(["migrator", "app", "reporting"], state.Roles.Select(r => r.Name));
        Assert.Equal(Profile.ReadOnly, state.FindRole("reporting")!.Grants.Single().Profile);
        Assert.Equal(["vector"], state.Extensions.ToArray());
        Assert.Null(state.FindRole("reporting")!.SearchPath);
    }

    [Fact]
    public void A_profile_owner_grant_makes_the_role_the_schema_owner()
    {
        var state = Load("""
            database: app
            schemas: [{ name: app }]
            roles:
              - { name: mig, auth: none, grants: [{ schema: app, profile: owner }] }
            """);
        Assert.Equal("mig", state.Schemas.Single().Owner);
        Assert.Empty(state.FindRole("mig")!.Grants);
    }

    [Fact]
    public void All_problems_are_reported_at_once_with_line_column_and_key()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("""
            database: app
            roles:
              - name: app
                auth: kerberos
                grants: [{ schema: nowhere, profile: readwrite }]
              - name: pg_thing
            """));
        Assert.Contains("test.yaml:4:11: roles[0].auth: 'kerberos' is not valid", ex.Message);
        Assert.Contains("test.yaml:5:24: roles[0].grants[0].schema: schema \"nowhere\" is not declared under 'schemas'", ex.Message);
        Assert.Contains("roles[1].name: role name \"pg_thing\" is reserved", ex.Message);
        Assert.Equal(3, ex.Problems.Count);
    }

    [Fact]
    public void Every_path_starts_at_the_document_root_and_counts_the_grants_as_written()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("""
            database: app
            schemas: [{ name: app, owner: mig }]
            roles:
              - name: mig
                search_paht: [app]
              - name: app
                grants:
                  - { schema: app, profil: readwrite }
                  - { schema: other, profile: readonly }
            """));
        Assert.Equal(
        [
            "test.yaml:5:5: roles[0].search_paht: unknown key 'search_paht'; allowed here: " + string.Join(", ", ex.Problems[0].Split("allowed here: ")[1].Split(", ")),
            "test.yaml:8:9: roles[1].grants[0]: 'profile' is missing: use owner, readwrite, readonly, all or usage",
            "test.yaml:8:24: roles[1].grants[0].profil: unknown key 'profil'; allowed here: schema, profile, execute, tables, columns",
            "test.yaml:9:19: roles[1].grants[1].schema: schema \"other\" is not declared under 'schemas'",
        ], ex.Problems);
    }

    [Fact]
    public void Problems_of_references_are_reported_together_with_the_rest_in_line_order()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("""
            database: app
            schemas: [{ name: app, owner: nobody }]
            roles:
              - { name: a, member_of: [ghost], connection_limit: many }
              - { name: a }
            """));
        Assert.Collection(ex.Problems,
            p => Assert.Contains("schemas[0].owner: role \"nobody\" is not declared under 'roles'", p),
            p => Assert.Contains("roles[0].member_of: role \"ghost\" is not declared under 'roles'", p),
            p => Assert.Contains("roles[0].connection_limit: 'many' is not a whole number", p),
            p => Assert.Contains("roles[1]: role \"a\" is declared 2 times", p));
    }

    [Fact]
    public void A_password_comes_from_the_named_environment_variable_and_never_prints()
    {
        var state = Load("""
            database: app
            roles: [{ name: app, auth: password, password_env: MY_PW }]
            """, name => name == "MY_PW" ? "s3cr3t-value" : null);
        var role = state.FindRole("app")!;
        Assert.Equal("s3cr3t-value", role.Password!.Reveal());
        Assert.DoesNotContain("s3cr3t-value", role.ToString());
        Assert.DoesNotContain("s3cr3t-value", state.ToString());
    }

    [Fact]
    public void Json_is_accepted_as_well_as_yaml()
    {
        var state = Load("""{"database": "app", "roles": [{"name": "a", "auth": "none"}]}""");
        Assert.Equal(AuthMode.None, state.Roles.Single().Auth);
    }

    [Fact]
    public void Oversized_input_is_refused_before_parsing()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("database: app\n# " + new string('x', ConfigLoader.MaxBytes)));
        Assert.Contains("at most", ex.Message);
    }

    [Fact]
    public void The_default_layout_refuses_bad_names_and_missing_passwords()
    {
        var ex = Assert.Throws<ConfigException>(() => DefaultLayout.Build(new DefaultLayoutOptions("db", AppUser: "pg_app", Auth: AuthMode.Password)));
        Assert.Contains("APP_USER", ex.Message);
        Assert.Contains("APP_PASSWORD", ex.Message);
        Assert.Contains("MIGRATOR_PASSWORD", ex.Message);
    }

    [Theory]
    [InlineData("examples/two-services.yaml")]
    [InlineData("examples/reference-parity.yaml")]
    public void The_examples_are_valid_for_the_loader_and_for_the_json_schema(string example)
    {
        string path = Path.Combine(Root(), example);
        ConfigLoader.LoadFile(path, _ => null, new ConfigDefaults());
        var schema = Schema.Value;
        var result = schema.Evaluate(Element(File.ReadAllText(path)), new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }

    [Theory]
    [InlineData("roles:\n  - { name: a, superuser: true }")]
    [InlineData("roles:\n  - { name: pg_a }")]
    [InlineData("roles:\n  - { name: a, grants: [{ schema: s, profile: admin }] }")]
    [InlineData("rolez: []")]
    public void The_json_schema_refuses_what_the_loader_refuses(string yaml)
    {
        var schema = Schema.Value;
        Assert.False(schema.Evaluate(Element("database: app\n" + yaml)).IsValid);
        Assert.Throws<ConfigException>(() => Load("database: app\n" + yaml));
    }

    internal static System.Text.Json.JsonElement Element(string yaml) =>
        System.Text.Json.JsonDocument.Parse(ToJson(yaml)!.ToJsonString()).RootElement.Clone();

    /// <summary>YAML → JSON the way editors' YAML language servers see it (plain true/false/numbers typed).</summary>
    private static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);

        static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
            YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } s => JsonValue.Create(s.Value == "true"),
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when long.TryParse(s.Value, out long n) => JsonValue.Create(n),
            YamlScalarNode s => JsonValue.Create(s.Value),
            _ => null,
        };
    }
}
