namespace RoleManager.Infra.Tests.Support;

/// <summary>
/// The start of every environment a test gives an AWS client (the aws CLI, the invoke scripts): none of the user's AWS or
/// RoleManager variables, no shared config or credentials file, no instance metadata, and no proxy for the local
/// endpoint, so a test never reaches a real account whatever the machine has set.
/// </summary>
public static class AwsIsolation
{
    public static Dictionary<string, string?> Environment(string scratchDirectory, params string[] alsoClear)
    {
        var environment = new Dictionary<string, string?>();
        string[] prefixes = ["AWS_", "ROLE_MANAGER_", .. alsoClear];
        foreach (var name in System.Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                environment[name] = null;
        environment["AWS_CONFIG_FILE"] = Path.Combine(scratchDirectory, "aws-config-none");
        environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(scratchDirectory, "aws-credentials-none");
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["NO_PROXY"] = "127.0.0.1,localhost";
        environment["no_proxy"] = "127.0.0.1,localhost";
        return environment;
    }
}
