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
    /// <summary>Where <see cref="Database"/> came from (<c>--dbname</c>, <c>PGDATABASE</c>, ...), for the message when it does not exist.</summary>
    public string? DatabaseOrigin { get; init; }

    /// <summary>Which level of the precedence gave <see cref="Database"/> (a default: the user name).</summary>
    public ValueSource DatabaseSource { get; init; } = ValueSource.Default;

    /// <summary>Which level of the precedence gave <see cref="Username"/> (a default: the OS user, which the master secret's username outranks).</summary>
    public ValueSource UsernameSource { get; init; } = ValueSource.Default;

    /// <summary>Where <see cref="Username"/> came from (<c>--username</c>, <c>PGUSER</c>, the master secret...), for the message when the server refuses the login.</summary>
    public string? UsernameOrigin { get; init; }

    /// <summary>Where <see cref="Password"/> came from (<c>PGPASSWORD</c>, the connection string, the master secret), for the same message.</summary>
    public string? PasswordOrigin { get; init; }

    /// <summary>True when the mode may talk to the server in plaintext (disable, allow, prefer).</summary>
    public bool PlaintextPossible => Tls is TlsMode.Disable or TlsMode.Allow or TlsMode.Prefer;

    public string Describe() => $"{Username}@{Host}:{Port}/{Database}";
}

/// <summary>
/// Where a connection value came from, highest precedence first. Resolved once by <see cref="ConnectionResolver"/>, so
/// that later steps (the config's database, the master secret's username) know whether a value was given without
/// asking the resolver again.
/// </summary>
public enum ValueSource
{
    /// <summary>A flag (<c>--dbname</c>) or the Lambda request's own value.</summary>
    Explicit,
    /// <summary>The connection string (<c>--connection</c>).</summary>
    ConnectionString,
    /// <summary>A variable (<c>PG*</c>, <c>DB_*</c>).</summary>
    Variable,
    /// <summary>Nothing gave it: a default.</summary>
    Default,
}
