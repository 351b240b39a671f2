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
            var environment = AwsIsolation.Environment(scratchDirectory);
            foreach (var (name, value) in moto.AwsVariables(region))
                environment[name] = value;
            environment["AWS_PAGER"] = "";
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
