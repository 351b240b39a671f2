namespace RoleManager.Infra.Tests.Support;

/// <summary>Runs the bin/*-database-roles scripts as a user would.</summary>
public static class Scripts
{
    public const string Manage = "create-or-update-database-roles";
    public const string Check = "check-database-roles";
    public const string Plan = "plan-database-roles";

    public static Task<ProcessResult> RunAsync(string script, IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync("bash", [Repo.Script(script), .. arguments], workingDirectory, environment, TimeSpan.FromMinutes(3));

    /// <summary>A clean environment for the scripts aimed at <paramref name="endpoint"/> with dummy credentials.</summary>
    public static Dictionary<string, string?> Environment(string endpoint, string scratchDirectory, string region = "us-east-1")
    {
        var environment = AwsIsolation.Environment(scratchDirectory, "TF_");
        environment["AWS_ACCESS_KEY_ID"] = "testing";
        environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        environment["AWS_REGION"] = region;
        environment["AWS_DEFAULT_REGION"] = region;
        environment["AWS_ENDPOINT_URL"] = endpoint;
        environment["AWS_MAX_ATTEMPTS"] = "1";
        environment["CHECKPOINT_DISABLE"] = "1";
        return environment;
    }
}
