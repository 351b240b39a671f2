using System.Text.Json;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README, "One config for a cluster": "`inspect` prints the cluster as one cluster config (each database's exact
/// config regrouped; with `--dbname`, only that database's part). `--output json` prints one database's config: with
/// `--dbname NAME`, that database's part as a one-database config (applied to it, it plans nothing); without, it is
/// refused with what to do". Run with a cluster config on a real server.
/// </summary>
public sealed class ClusterCliClaimsTests
{
    [Fact]
    public async Task Inspect_of_a_cluster_config_prints_a_cluster_config_in_yaml_with_dbname_too()
    {
        var (db, file, env) = await ClusterAsync();
        try
        {
            var apply = await CliRunner.RunAsync(env, "apply", "--config", file);
            Assert.True(apply.ExitCode == 0, apply.All);

            foreach (string[] choice in new[] { Array.Empty<string>(), ["--dbname", db.Name] })
            {
                var yaml = await CliRunner.RunAsync(env, ["inspect", "--config", file, .. choice]);
                Assert.True(yaml.ExitCode == 0, yaml.All);
                Assert.True(yaml.StdOut.Contains("databases:", StringComparison.Ordinal) && yaml.StdOut.Contains($"- name: {db.Name}", StringComparison.Ordinal), yaml.StdOut);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Inspect_output_json_with_dbname_prints_that_database_as_a_one_database_config_that_plans_nothing()
    {
        var (db, file, env) = await ClusterAsync();
        string printed = Path.ChangeExtension(file, ".json");
        try
        {
            var apply = await CliRunner.RunAsync(env, "apply", "--config", file);
            Assert.True(apply.ExitCode == 0, apply.All);

            var json = await CliRunner.RunAsync(env, "inspect", "--config", file, "--output", "json", "--dbname", db.Name);

            Assert.True(json.ExitCode == 0, json.All);
            using (var document = JsonDocument.Parse(json.StdOut))
            {
                Assert.Equal(db.Name, document.RootElement.GetProperty("database").GetString());
                Assert.False(document.RootElement.TryGetProperty("databases", out _), json.StdOut);
                Assert.Contains(document.RootElement.GetProperty("roles").EnumerateArray(), r => r.GetProperty("name").GetString() == db.App);
            }
            // The printed config is that database's exact config: planned against it, nothing to do.
            await File.WriteAllTextAsync(printed, json.StdOut);
            var plan = await CliRunner.RunAsync(env, "plan", "--config", printed, "--detailed-exitcode");
            Assert.True(plan.ExitCode == 0, plan.All);
        }
        finally
        {
            File.Delete(file);
            File.Delete(printed);
        }
    }

    [Fact]
    public async Task Inspect_output_json_of_a_whole_cluster_config_is_refused_with_why_and_the_two_ways_out()
    {
        var (db, file, env) = await ClusterAsync();
        try
        {
            var json = await CliRunner.RunAsync(env, "inspect", "--config", file, "--output", "json");

            Assert.True(json.ExitCode == 1, json.All);
            // With --output json an error is a JSON document too: no config is printed, only the error.
            Assert.Contains("\"errorType\": \"RoleManager.ConfigInvalid\"", json.StdOut);
            Assert.DoesNotContain(db.Migrator, json.StdOut);
            Assert.Contains("a cluster config is printed only as YAML", json.StdErr);
            Assert.Contains($"--dbname {db.Name}", json.StdErr);
            Assert.Contains("without --output json", json.StdErr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A test database, a cluster config file naming it, and the master's environment with no PGDATABASE (the config names the databases).</summary>
    private static async Task<(TestDatabase Db, string File, Dictionary<string, string?> Env)> ClusterAsync()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        env.Remove("PGDATABASE");
        return (db, await ClusterConfigAsync(db), env);
    }

    private static async Task<string> ClusterConfigAsync(TestDatabase db)
    {
        string file = Path.Combine(Path.GetTempPath(), $"cluster-{db.Prefix}.yaml");
        await File.WriteAllTextAsync(file, $$"""
            auth: none
            roles:
              - name: {{db.Migrator}}
              - name: {{db.App}}
            databases:
              - name: {{db.Name}}
                schemas: [{ name: app, owner: {{db.Migrator}} }]
                roles:
                  - { name: {{db.App}}, grants: [{ schema: app, profile: readwrite }] }
            """);
        return file;
    }
}
