namespace RoleManager.Passwords;

/// <summary>The secret store behind <c>password_secret</c> (Secrets Manager in production, moto in tests).</summary>
public interface IRolePasswordSource
{
    /// <summary>The id of the secret's AWSCURRENT version, read without its value (DescribeSecret).</summary>
    Task<string> CurrentVersionAsync(string secretId, CancellationToken cancellationToken);

    /// <summary>The password held by one version of the secret (GetSecretValue): its <c>password</c> key, or the whole string.</summary>
    Task<Secret> PasswordAsync(string secretId, string versionId, CancellationToken cancellationToken);
}
