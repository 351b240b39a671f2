namespace RoleManager.Connect;

/// <summary>How to reach the database as the master user. <see cref="Password"/> never prints itself.</summary>
/// <param name="TlsWarning">Set when a host's policy allowed TLS below verify-full only because of an explicit opt-in
/// (<see cref="ConnectionResolver.AllowInsecureTlsVariable"/>): the host logs it as a warning on every run.</param>
public sealed record ConnectionSettings(
    string Host,
    int Port,
    string Database,
    string Username,
    Secret? Password,
    TlsMode Tls,
    string? RootCertificatePath = null,
    TimeSpan? ConnectTimeout = null,
    string? TlsWarning = null)
{
    /// <summary>True when the mode may talk to the server in plaintext (disable, allow, prefer).</summary>
    /// <summary>Where <see cref="Database"/> came from (<c>--dbname</c>, <c>PGDATABASE</c>, ...), for the message when it does not exist.</summary>
    public string? DatabaseOrigin { get; init; }

    public bool PlaintextPossible => Tls is TlsMode.Disable or TlsMode.Allow or TlsMode.Prefer;

    public string Describe() => $"{Username}@{Host}:{Port}/{Database}";
}
