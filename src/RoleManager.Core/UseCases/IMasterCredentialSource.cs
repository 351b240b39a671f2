namespace RoleManager.UseCases;

/// <summary>
/// Where the master user's login comes from when no password is given: a secret (the RDS-managed
/// master secret). Implementations cache the value; <c>refresh</c> forces a fresh read, used once when
/// the server refuses the cached password (the secret was rotated).
/// </summary>
public interface IMasterCredentialSource
{
    /// <summary>Names the source for messages (the secret's ARN or name), never its value.</summary>
    string Description { get; }

    Task<MasterLogin> GetAsync(bool refresh, CancellationToken cancellationToken);
}

/// <summary>The master login read from a secret.</summary>
public sealed record MasterLogin(string Username, Secret Password);
