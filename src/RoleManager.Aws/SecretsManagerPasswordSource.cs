using RoleManager.Errors;
using RoleManager.Passwords;

namespace RoleManager.Aws;

/// <summary>Role passwords from Secrets Manager: the AWSCURRENT version id by DescribeSecret (no value), the value by GetSecretValue of that version.</summary>
public sealed class SecretsManagerPasswordSource(SecretsManagerClient client) : IRolePasswordSource
{
    public SecretsManagerClient Client => client;

    public async Task<string> CurrentVersionAsync(string secretId, CancellationToken cancellationToken)
    {
        var description = await client.DescribeSecretAsync(secretId, cancellationToken).ConfigureAwait(false);
        return description.VersionWith(SecretDescription.Current)
            ?? throw new AwsException($"secret {secretId} has no AWSCURRENT version: put a value in it (aws secretsmanager put-secret-value) before declaring it as a password_secret.");
    }

    public async Task<Secret> PasswordAsync(string secretId, string versionId, CancellationToken cancellationToken)
    {
        var version = await client.GetSecretVersionAsync(secretId, versionId, null, cancellationToken).ConfigureAwait(false);
        return RolePasswordDocument.Password(version.Value, secretId);
    }
}
