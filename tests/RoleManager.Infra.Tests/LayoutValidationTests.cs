using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The module's plan-time layout validation (infra/modules/role-manager/config.tf) against
/// schema/role-manager.schema.json. Layouts are generated from the schema itself, so a key added to the
/// schema is exercised here without editing this test. config.tf is evaluated with <c>terraform console</c>
/// beside the module's schema copy and its three layout variables, without the AWS provider (seconds, not minutes).
/// </summary>
public sealed class LayoutValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new("rm-infra-layout-");

    public void Dispose() => _temp.Dispose();

    private static string SchemaPath => Path.Combine(Repo.Root, "schema", "role-manager.schema.json");

    private static JsonObject Schema => JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();

    [Fact]
    public void The_module_validates_against_a_byte_for_byte_copy_of_the_repository_schema()
    {
        var copy = Path.Combine(Repo.ModuleDirectory, "role-manager.schema.json");

        Assert.True(File.ReadAllBytes(copy).AsSpan().SequenceEqual(File.ReadAllBytes(SchemaPath)),
            "infra/modules/role-manager/role-manager.schema.json differs from schema/role-manager.schema.json: cp schema/role-manager.schema.json infra/modules/role-manager/");
    }

    /// <summary>The two forms of the schema: one database (no databases:) and a cluster config (its "then" keys left out).</summary>
    public static TheoryData<bool> Forms => new() { false, true };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task A_layout_that_uses_every_key_of_the_schema_has_no_problems(bool cluster)
    {
        var layout = Form(Example(Schema, Schema, misspell: false), cluster);

        var problems = await ProblemsAsync(layout);

        Assert.True(problems.Count == 0, $"{layout.ToJsonString()}\n{string.Join("\n", problems)}");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Every_key_of_the_schema_misspelled_at_every_level_is_reported_with_its_path(bool cluster)
    {
        var layout = Form(Example(Schema, Schema, misspell: true), cluster);
        var expected = new List<string>();
        MisspelledPaths(layout, "", expected);

        var problems = await ProblemsAsync(layout);

        Assert.True(expected.Count >= 20, string.Join("\n", expected)); // every level is reached
        if (cluster) // the deepest level: a database role's grant's tables
            Assert.Contains("databases[0].roles[0].grants[0].tables[0].privileges_typo: unknown key \"privileges_typo\"", expected);
        var missing = expected.Where(p => !problems.Any(problem => problem.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, $"not reported:\n{string.Join("\n", missing)}\nreported:\n{string.Join("\n", problems)}");
        Assert.Equal(expected.Count, problems.Count);
    }

    [Fact]
    public async Task A_cluster_layout_of_two_databases_sharing_its_roles_has_no_problems()
    {
        var problems = await ProblemsAsync(JsonNode.Parse(ClusterLayoutYaml.TwoDatabases)!);

        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_bad_cluster_layout_is_reported_where_each_key_belongs_as_the_loader_says_it()
    {
        var problems = await ProblemsAsync(JsonNode.Parse("""
            {
              "database": "app",
              "grant_mode": "direct",
              "schemas": [ { "name": "app" } ],
              "roles": [
                { "name": "app", "search_path": ["app"], "grants": [ { "schema": "app", "profile": "readonly" } ] },
                { "name": "migrator", "database_settings": { "work_mem": "64MB" }, "database_privileges": ["connect"] }
              ],
              "databases": [
                { "name": "orders", "roles": [
                    { "name": "ghost" },
                    { "name": "app", "login": false, "password_env": "X",
                      "grants": [ { "schema": "orders", "profile": "readonly", "tables": [ { "name": "t", "privileges": [] } ] } ] },
                    { "name": "app" } ] },
                { "name": "orders", "extensions": ["vector"], "grant_mode": "sometimes" }
              ]
            }
            """)!);

        Assert.Equal(new[]
        {
            "database: a cluster config names its databases under 'databases' (- name: ...): remove 'database'",
            "databases[0].roles[0].name: role \"ghost\" is not declared under the top-level 'roles': declare it there (with its cluster-wide keys), then what it has in this database here",
            "databases[0].roles[1].grants[0].tables[0].privileges: must not be empty",
            "databases[0].roles[1].login: 'login' is cluster-wide: set it on the role under the top-level 'roles' (it applies in every database)",
            "databases[0].roles[1].password_env: 'password_env' is cluster-wide: set it on the role under the top-level 'roles' (it applies in every database)",
            "databases[0].roles[2].name: role \"app\" is listed twice in this database",
            "databases[1].grant_mode: \"sometimes\" is not one of auto, direct, groups",
            "databases[1].name: database \"orders\" is listed twice",
            "grant_mode: 'grant_mode' belongs to one database in a cluster config: write it under that entry of 'databases'",
            "roles[0].grants: 'grants' is per database in a cluster config: write it under 'databases', in the entry { name: app } of each database's 'roles' where it applies",
            "roles[0].search_path: 'search_path' is per database in a cluster config: write it under 'databases', in the entry { name: app } of each database's 'roles' where it applies",
            "roles[1].database_privileges: 'database_privileges' is per database in a cluster config: write it under 'databases', in the entry { name: migrator } of each database's 'roles' where it applies",
            "roles[1].database_settings: 'database_settings' is per database in a cluster config: write it under 'databases', in the entry { name: migrator } of each database's 'roles' where it applies",
            "schemas: 'schemas' belongs to one database in a cluster config: write it under that entry of 'databases'",
        }, problems.Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> RepositoryConfigs => new(Directory.EnumerateFiles(Path.Combine(Repo.Root, "examples"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    /// <summary>What the function's loader reads, the module's plan-time check must accept (one database or a cluster).</summary>
    [Theory]
    [MemberData(nameof(RepositoryConfigs))]
    public async Task Every_example_config_of_the_repository_passes_the_modules_check(string file)
    {
        var problems = await ProblemsAsync(Path.Combine(Repo.Root, "examples", file));

        Assert.Empty(problems);
    }

    [Fact]
    public async Task An_empty_list_of_databases_is_reported()
    {
        var problems = await ProblemsAsync(JsonNode.Parse("""{ "roles": [ { "name": "app" } ], "databases": [] }""")!);

        Assert.Equal(["databases: must not be empty"], problems);
    }

    /// <summary>
    /// The one-database form (without databases:) or the cluster form: without the keys the schema's "then" refuses beside
    /// databases: (top-level database, schemas, ... and the per-database keys of the top-level roles), typos of them kept.
    /// </summary>
    private static JsonNode Form(JsonNode layout, bool cluster)
    {
        var result = layout.DeepClone().AsObject();
        if (!cluster)
        {
            result.Remove("databases");
            return result;
        }
        var then = Schema["then"]!["properties"]!.AsObject();
        foreach (var (key, spec) in then)
            if (spec is JsonValue)
                result.Remove(key);
        foreach (var role in result["roles"]!.AsArray())
            foreach (var (key, _) in then["roles"]!["items"]!["properties"]!.AsObject())
                role!.AsObject().Remove(key);
        return result;
    }

    [Fact]
    public async Task Wrong_types_values_outside_the_enums_reserved_names_and_missing_required_keys_are_each_reported()
    {
        var problems = await ProblemsAsync(JsonNode.Parse("""
            {
              "database": "app",
              "auth": "kerberos",
              "schemas": [ { "name": "pg_temp_app" }, { "owner": "migrator" } ],
              "roles": [
                { "name": "rds_admin" },
                { "name": "app", "login": "yes", "connection_limit": -2, "search_path": ["app", "app"],
                  "database_privileges": ["connect", "drop"], "grants": [ { "schema": "app", "profile": "writer" } ] },
                { "name": "", "createdb": 1 },
                "reporting"
              ],
              "extensions": "vector"
            }
            """)!);

        Assert.Equal(new[]
        {
            "auth: \"kerberos\" is not one of iam, password, none",
            "extensions: must be a list, not \"vector\"",
            "roles[0].name: \"rds_admin\" is a reserved name",
            "roles[1].connection_limit: must be at least -1, not -2",
            "roles[1].database_privileges[1]: \"drop\" is not one of connect, temporary, temp, create",
            "roles[1].grants[0].profile: \"writer\" is not one of owner, readwrite, readonly, all, usage",
            "roles[1].login: must be a boolean, not \"yes\"",
            "roles[1].search_path: has an entry twice",
            "roles[2].createdb: must be a boolean, not 1",
            "roles[2].name: must not be empty",
            "roles[3]: must be a mapping of keys, not a string",
            "schemas[0].name: \"pg_temp_app\" is a reserved name",
            "schemas[1]: \"name\" is required",
        }, problems.Select(p => p.Split(" (matches ")[0]).Order(StringComparer.Ordinal));
    }

    /// <summary>local.layout_problems of config.tf for this layout (given as a layout_file).</summary>
    private async Task<List<string>> ProblemsAsync(JsonNode layout)
    {
        var file = _temp.Combine("layout-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        await File.WriteAllTextAsync(file, layout.ToJsonString());
        return await ProblemsAsync(file);
    }

    /// <summary>local.layout_problems of config.tf for this layout file (YAML or JSON).</summary>
    private async Task<List<string>> ProblemsAsync(string file)
    {
        var dir = Directory.CreateDirectory(_temp.Combine("root-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.Copy(Path.Combine(Repo.ModuleDirectory, "config.tf"), Path.Combine(dir, "config.tf"));
        File.Copy(Path.Combine(Repo.ModuleDirectory, "role-manager.schema.json"), Path.Combine(dir, "role-manager.schema.json"));
        // The three layout variables, declared as in the module's variables.tf.
        await File.WriteAllTextAsync(Path.Combine(dir, "variables.tf"), string.Join("\n", ModuleVariables.Declarations("role_manager_config", "layout", "layout_file")));
        var tf = new Terraform(dir, _temp.Path);
        await tf.InitAsync(backend: false);
        var console = await tf.RunAsync(["console", "-no-color", "-var", $"layout_file={file}"], TimeSpan.FromMinutes(2), "jsonencode(local.layout_problems)\n");
        Assert.True(console.ExitCode == 0, console.ToString());
        var json = JsonNode.Parse(console.Stdout.Trim())!.GetValue<string>();
        return JsonNode.Parse(json)!.AsArray().Select(p => p!.GetValue<string>()).ToList();
    }

    /// <summary>A valid value for a schema node; with misspell, every object also gets each key again with "_typo" appended.</summary>
    private static JsonNode Example(JsonObject schema, JsonNode node, bool misspell)
    {
        var spec = Resolve(schema, node);
        if (spec["enum"] is JsonArray values)
            return values[0]!.DeepClone();
        switch (spec["type"]?.ToString())
        {
            case "boolean":
                return JsonValue.Create(true);
            case "integer":
                return JsonValue.Create(Math.Max(1, spec["minimum"]?.GetValue<int>() ?? 1));
            case "array":
                return new JsonArray(Example(schema, spec["items"]!, misspell));
            case "object":
                var result = new JsonObject();
                foreach (var (key, property) in spec["properties"]!.AsObject())
                {
                    result[key] = Example(schema, property!, misspell);
                    if (misspell)
                        result[key + "_typo"] = Example(schema, property!, misspell: false);
                }
                return result;
            default:
                return JsonValue.Create("ok_name");
        }
    }

    private static void MisspelledPaths(JsonNode node, string path, List<string> paths)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                var child = path.Length == 0 ? key : $"{path}.{key}";
                if (key.EndsWith("_typo", StringComparison.Ordinal))
                    paths.Add($"{child}: unknown key \"{key}\"");
                else
                    MisspelledPaths(value!, child, paths);
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
                MisspelledPaths(array[i]!, $"{path}[{i}]", paths);
        }
    }

    /// <summary>Follows $ref into $defs (and $ref inside them), merging the referring node's own keys.</summary>
    private static JsonObject Resolve(JsonObject schema, JsonNode node)
    {
        var result = new JsonObject();
        var current = node.AsObject();
        while (true)
        {
            foreach (var (key, value) in current)
                if (key != "$ref" && !result.ContainsKey(key))
                    result[key] = value!.DeepClone();
            if (current["$ref"]?.ToString() is not { } reference)
                return result;
            current = schema["$defs"]![reference["#/$defs/".Length..]]!.AsObject();
        }
    }
}
