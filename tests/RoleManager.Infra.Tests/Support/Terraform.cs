using System.Text.Json.Nodes;

namespace RoleManager.Infra.Tests.Support;

/// <summary>
/// Terraform in one working directory, offline: providers only from the local mirror
/// (<c>init -plugin-dir</c>), no checkpoint calls, an empty CLI config, no AWS settings inherited.
/// </summary>
public sealed class Terraform
{
    private static readonly TimeSpan LongTimeout = TimeSpan.FromMinutes(10);
    private readonly Dictionary<string, string?> _environment;

    /// <param name="environment">Variables for terraform and what it runs (a local-exec provisioner), set last.</param>
    public Terraform(string workingDirectory, string scratchDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        WorkingDirectory = workingDirectory;
        var cliConfig = Path.Combine(scratchDirectory, "terraformrc");
        if (!File.Exists(cliConfig))
            File.WriteAllText(cliConfig, "# empty: no credentials, no network mirrors\n");
        _environment = new Dictionary<string, string?>
        {
            ["TF_CLI_CONFIG_FILE"] = cliConfig,
            ["CHECKPOINT_DISABLE"] = "1",
            ["TF_IN_AUTOMATION"] = "1",
            ["TF_INPUT"] = "0",
            ["TF_PLUGIN_CACHE_DIR"] = null,
            ["TF_LOG"] = null,
            ["NO_PROXY"] = "127.0.0.1,localhost",
            ["no_proxy"] = "127.0.0.1,localhost",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("AWS_", StringComparison.Ordinal) && name != "AWS_EC2_METADATA_DISABLED")
                _environment[name] = null;
            if (name.StartsWith("TF_VAR_", StringComparison.Ordinal))
                _environment[name] = null;
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            _environment[name] = value;
    }

    public string WorkingDirectory { get; }

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync(arguments, LongTimeout);

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null) =>
        ProcessRunner.RunAsync(Tools.Terraform, arguments, WorkingDirectory, _environment, timeout, standardInput);

    /// <summary>Runs and throws with the whole output unless the exit code is 0.</summary>
    public async Task<ProcessResult> MustAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"terraform {arguments[0]} failed in {WorkingDirectory}:\n{result}");
        return result;
    }

    public Task<ProcessResult> InitAsync(bool backend = true) =>
        MustAsync(["init", "-input=false", "-no-color", $"-plugin-dir={Tools.ProviderMirror}", .. backend ? Array.Empty<string>() : ["-backend=false"]]);

    public async Task<JsonNode> ShowJsonAsync(string? planFile = null)
    {
        var result = await MustAsync(planFile is null ? ["show", "-json", "-no-color"] : ["show", "-json", "-no-color", planFile]);
        return JsonNode.Parse(result.Stdout) ?? throw new InvalidOperationException("terraform show -json printed nothing");
    }

    public async Task<JsonNode> OutputsAsync()
    {
        var result = await MustAsync("output", "-json", "-no-color");
        return JsonNode.Parse(result.Stdout) ?? throw new InvalidOperationException("terraform output -json printed nothing");
    }
}
