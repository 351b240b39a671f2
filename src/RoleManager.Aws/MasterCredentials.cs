using System.Text.Json;
using RoleManager.Aws.Internal;
using RoleManager.Errors;

namespace RoleManager.Aws;

/// <summary>The master user's login, from the JSON secret RDS manages: <c>{"username": ..., "password": ...}</c>.</summary>
public sealed record MasterCredentials(string Username, Secret Password)
{
    /// <exception cref="ConfigException">The secret is not such JSON. The message never quotes the content.</exception>
    public static MasterCredentials Parse(Secret secretString, string? secretId = null)
    {
        ArgumentNullException.ThrowIfNull(secretString);
        MasterSecretDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(secretString.Reveal(), AwsJsonContext.Default.MasterSecretDocument);
        }
        catch (JsonException)
        {
            // The JsonException is not kept: its message can quote the offending characters.
            throw Invalid(secretId, "it is not a JSON object with string \"username\" and \"password\"");
        }

        if (document is null)
            throw Invalid(secretId, "it is not a JSON object");
        if (string.IsNullOrEmpty(document.Username))
            throw Invalid(secretId, "it has no \"username\"");
        if (string.IsNullOrEmpty(document.Password))
            throw Invalid(secretId, "it has no \"password\"");
        return new MasterCredentials(document.Username, new Secret(document.Password));
    }

    private static ConfigException Invalid(string? secretId, string problem)
        => new($"the master secret{(secretId is null ? "" : " " + secretId)} is not the JSON RDS writes "
               + $"({{\"username\": \"...\", \"password\": \"...\"}}): {problem}. "
               + "Check that DB_PASSWORD_SECRET_ARN names the RDS-managed master user secret.");
}
