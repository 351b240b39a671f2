namespace RoleManager.Connect;

/// <summary>How to reach the database as the master user. <see cref="Password"/> never prints itself.</summary>
public sealed record ConnectionSettings(
    string Host,
    int Port,
    string Database,
    string Username,
    Secret? Password,
    TlsMode Tls,
    string? RootCertificatePath = null,
    TimeSpan? ConnectTimeout = null)
{
    public string Describe() => $"{Username}@{Host}:{Port}/{Database}";
}

/// <summary>TLS to the database. Verified TLS is the default; plaintext must be asked for.</summary>
public enum TlsMode
{
    /// <summary>TLS with the server's certificate and host name verified against the root certificate(s).</summary>
    VerifyFull,
    /// <summary>TLS when the server offers it, unverified (libpq's 'prefer').</summary>
    Prefer,
    /// <summary>No TLS: only for a local database.</summary>
    Disable,
}
