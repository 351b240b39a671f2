using System.Diagnostics;


namespace RoleManager.Testing;

/// <summary>The real aws CLI (botocore), aimed at a moto server: an independent way to create what we read.</summary>
public static class AwsCli
{
    public static async Task<string> RunAsync(MotoServer moto, string region, IReadOnlyDictionary<string, string>? credentials, params string[] arguments)
    {
        var start = new ProcessStartInfo("aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--endpoint-url", moto.Endpoint.ToString().TrimEnd('/'), "--region", region, "--output", "json" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        start.Environment.Remove("AWS_PROFILE");
        foreach (var (name, value) in moto.AwsVariables(region))
            start.Environment[name] = value;
        foreach (var (name, value) in credentials ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"aws {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    public static Task CreateSecretAsync(MotoServer moto, string region, string name, string secretString)
        => RunAsync(moto, region, null, "secretsmanager", "create-secret", "--name", name, "--secret-string", secretString);
}
