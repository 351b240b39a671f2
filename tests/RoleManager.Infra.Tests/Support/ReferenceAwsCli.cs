using System.Text.Json.Nodes;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests.Support;

/// <summary>The aws CLI aimed at a moto_server, isolated from the user's AWS config, as a reference client.</summary>
public sealed class ReferenceAwsCli(MotoServer moto, string scratchDirectory, string region = MotoServer.DefaultRegion)
{
    public Dictionary<string, string?> Environment
    {
        get
        {
            var environment = new Dictionary<string, string?>();
            foreach (var name in System.Environment.GetEnvironmentVariables().Keys.Cast<string>())
            {
                if (name.StartsWith("AWS_", StringComparison.Ordinal) || name.StartsWith("ROLE_MANAGER_", StringComparison.Ordinal))
                    environment[name] = null;
            }
            foreach (var (name, value) in moto.AwsVariables(region))
                environment[name] = value;
            environment["AWS_CONFIG_FILE"] = Path.Combine(scratchDirectory, "aws-config-none");
            environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(scratchDirectory, "aws-credentials-none");
            environment["AWS_EC2_METADATA_DISABLED"] = "true";
            environment["AWS_PAGER"] = "";
            environment["NO_PROXY"] = "127.0.0.1,localhost";
            environment["no_proxy"] = "127.0.0.1,localhost";
            return environment;
        }
    }

    public async Task<JsonNode> JsonAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(Tools.Aws, [.. arguments, "--output", "json"], scratchDirectory, Environment, TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"aws {string.Join(' ', arguments)} failed:\n{result}");
        return string.IsNullOrWhiteSpace(result.Stdout) ? new JsonObject() : JsonNode.Parse(result.Stdout)!;
    }

    public Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Tools.Aws, [.. arguments, "--output", "json"], scratchDirectory, Environment, TimeSpan.FromMinutes(2));
}
