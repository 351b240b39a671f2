namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README, "One config for a cluster": "`inspect` prints the cluster as one cluster config (each database's exact
/// config regrouped; with `--dbname`, only that database's part), in YAML only: `--output json` is refused for a
/// cluster config". Run with a cluster config on a real server.
/// </summary>
public sealed class ClusterCliClaimsTests
{
    [Fact]
    public async Task Inspect_of_a_cluster_config_prints_a_cluster_config_in_yaml_only_with_dbname_too()
    {
        var db = await TestDatabase.CreateAsync();
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
        var env = CliEnvironment.Master(db);
        env.Remove("PGDATABASE");
        try
        {
            var apply = await CliRunner.RunAsync(env, "apply", "--config", file);
            Assert.True(apply.ExitCode == 0, apply.All);

            foreach (string[] choice in new[] { Array.Empty<string>(), ["--dbname", db.Name] })
            {
                var yaml = await CliRunner.RunAsync(env, ["inspect", "--config", file, .. choice]);
                Assert.True(yaml.ExitCode == 0, yaml.All);
                Assert.True(yaml.StdOut.Contains("databases:", StringComparison.Ordinal) && yaml.StdOut.Contains($"- name: {db.Name}", StringComparison.Ordinal), yaml.StdOut);

                var json = await CliRunner.RunAsync(env, ["inspect", "--config", file, "--output", "json", .. choice]);
                Assert.True(json.ExitCode == 1, json.All);
                // With --output json an error is a JSON document too: no config is printed, only the error.
                Assert.Contains("\"errorType\": \"RoleManager.ConfigInvalid\"", json.StdOut);
                Assert.DoesNotContain(db.Migrator, json.StdOut);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
