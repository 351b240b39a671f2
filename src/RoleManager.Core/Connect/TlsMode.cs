namespace RoleManager.Connect;

/// <summary>
/// TLS to the database, with libpq's <c>sslmode</c> meanings. Verified TLS is the default; anything
/// weaker must be asked for. Only <see cref="Disable"/>, <see cref="Allow"/> and <see cref="Prefer"/>
/// can ever send a byte in plaintext.
/// </summary>
public enum TlsMode
{
    /// <summary><c>verify-full</c>: TLS, the certificate chain verified against the root certificate(s) and the host name checked.</summary>
    VerifyFull,
    /// <summary><c>prefer</c>: TLS when the server offers it, unverified; plaintext when it does not.</summary>
    Prefer,
    /// <summary><c>disable</c>: no TLS: only for a local database.</summary>
    Disable,
    /// <summary><c>allow</c>: plaintext first, TLS only when the server insists; unverified.</summary>
    Allow,
    /// <summary><c>require</c>: TLS or no connection, the certificate not verified (libpq turns it into verify-ca when a root certificate is given).</summary>
    Require,
    /// <summary><c>verify-ca</c>: TLS, the certificate chain verified, the host name not checked.</summary>
    VerifyCA,
}

/// <summary>libpq's <c>sslmode</c> names: the one list the flag, the variable and every message share.</summary>
public static class TlsModes
{
    /// <summary>The six names, strongest (the default) first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["verify-full", "verify-ca", "require", "prefer", "allow", "disable"];

    /// <summary>The names as a sentence lists them: "verify-full (the default), verify-ca, ..., or disable".</summary>
    public static string Listed => $"{Names[0]} (the default), {string.Join(", ", Names.Skip(1).SkipLast(1))} or {Names[^1]}";
}
