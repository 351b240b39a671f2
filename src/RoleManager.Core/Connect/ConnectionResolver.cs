using Npgsql;
using RoleManager.Errors;

namespace RoleManager.Connect;

/// <summary>Connection values given explicitly (flags, or the Lambda's settings); null where not given.</summary>
public sealed record ConnectionInputs(
    string? ConnectionString = null,
    string? Host = null,
    int? Port = null,
    string? Username = null,
    string? Database = null,
    string? SslMode = null,
    string? SslRootCert = null);

/// <summary>Which host resolves the connection; each has its own policy (see <see cref="ConnectionResolver"/>).</summary>
public enum HostKind
{
    /// <summary>An operator's shell: libpq's conventions, every sslmode available.</summary>
    Cli,
    /// <summary>The Lambda function: the module's DB_* variables win, and TLS below verify-full needs an explicit opt-in.</summary>
    Lambda,
}

/// <summary>
/// Resolves where and how to connect.
/// <para><b>CLI policy</b> (<see cref="HostKind.Cli"/>, libpq's conventions): explicit value, then the connection
/// string (keyword form or <c>postgresql://</c> URI), then <c>PGHOST</c>/<c>PGPORT</c>/<c>PGUSER</c>/
/// <c>PGDATABASE</c>/<c>PGPASSWORD</c>/<c>PGSSLMODE</c>/<c>PGSSLROOTCERT</c>, then the reference
/// implementation's <c>DB_HOST</c>/<c>DB_PORT</c>/<c>DB_USER</c>/<c>DB_NAME</c>, then defaults.</para>
/// <para><b>Lambda policy</b> (<see cref="HostKind.Lambda"/>): the function's configuration is the Terraform module's,
/// so <c>DB_*</c> win over <c>PG*</c>. TLS may be pointed at another CA file (<c>PGSSLROOTCERT</c>) but is never
/// below verify-full unless <see cref="AllowInsecureTlsVariable"/> is <c>true</c>; then
/// <see cref="ConnectionSettings.TlsWarning"/> is set and the host logs it on every invocation.</para>
/// <para><b>sslmode</b> has libpq's meaning: <c>disable</c> (plaintext), <c>allow</c> (plaintext first, TLS if the server
/// insists), <c>prefer</c> (TLS if offered, else plaintext), <c>require</c> (TLS or nothing, unverified; with a root
/// certificate given explicitly, verify-ca as in libpq), <c>verify-ca</c> (chain verified, host name not),
/// <c>verify-full</c> (chain and host name verified; the default, against the RDS CA bundle: a file given with
/// <c>--sslrootcert</c>/<c>PGSSLROOTCERT</c>, else <c>rds-ca-bundle.pem</c> beside the program, else the copy built into it;
/// <c>system</c> means the machine's CA store, as in libpq 16).
/// <c>require</c>, <c>verify-ca</c> and <c>verify-full</c> never send a byte in plaintext.</para>
/// </summary>
public static class ConnectionResolver
{
    public const string CaBundleFileName = "rds-ca-bundle.pem";

    /// <summary>
    /// The root certificate "path" of the RDS CA bundle compiled into the program (<see cref="TrustBundle.For"/> reads
    /// it from the assembly): the default when no file was given and none lies beside the program, so verify-full
    /// against RDS works however the program was installed (a .NET tool, a release archive, a plain build).
    /// </summary>
    public const string BuiltInBundle = "(the built-in RDS CA bundle)";

    /// <summary>Where the master's password (and, unless one was given, its user name) came from when read from Secrets Manager.</summary>
    public const string MasterSecretOrigin = "the master secret in Secrets Manager";

    /// <summary>libpq 16's <c>sslrootcert=system</c>: the machine's own CA store, with verify-full.</summary>
    public const string SystemStore = "system";

    /// <summary>The Lambda's explicit opt-in to TLS below verify-full (<c>true</c> to allow); off by default.</summary>
    public const string AllowInsecureTlsVariable = "ROLE_MANAGER_ALLOW_INSECURE_TLS";

    public static ConnectionSettings Resolve(ConnectionInputs inputs, Func<string, string?> environment, Secret? fallbackPassword = null, HostKind host = HostKind.Cli)
    {
        var fromString = Parse(inputs.ConnectionString);
        bool lambda = host == HostKind.Lambda;
        string? Pick(string? explicitValue, string? fromConnectionString, params string[] variables) =>
            explicitValue ?? fromConnectionString ?? variables.Select(environment).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        // Where a value came from, for messages that say what to fix: the flag, the connection string or the variable.
        string Origin(string? explicitValue, string explicitName, string? fromConnectionString, params string[] variables) =>
            explicitValue is not null ? (lambda ? $"the request's {explicitName.TrimStart('-')}" : explicitName)
            : fromConnectionString is not null ? (lambda ? "the connection string" : "--connection")
            : variables.FirstOrDefault(v => !string.IsNullOrEmpty(environment(v))) ?? "the default";
        string[] Order(string pg, string db) => lambda ? [db, pg] : [pg, db];
        ValueSource Source(string? explicitValue, string? fromConnectionString, params string[] variables) =>
            explicitValue is not null ? ValueSource.Explicit
            : fromConnectionString is not null ? ValueSource.ConnectionString
            : variables.Any(v => !string.IsNullOrEmpty(environment(v))) ? ValueSource.Variable
            : ValueSource.Default;

        string hostName = Pick(inputs.Host, fromString.Host, Order("PGHOST", "DB_HOST")) ?? "localhost";
        string? portText = inputs.Port?.ToString() ?? Pick(null, fromString.Port, Order("PGPORT", "DB_PORT"));
        int port = 5432;
        if (portText is not null && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
            throw new ConfigException($"Port '{portText}' is not a valid TCP port (PGPORT / DB_PORT / --port).");
        string username = Pick(inputs.Username, fromString.Username, Order("PGUSER", "DB_USER")) ?? Environment.UserName;
        string database = Pick(inputs.Database, fromString.Database, Order("PGDATABASE", "DB_NAME")) ?? username;
        string databaseOrigin = Origin(inputs.Database, "--dbname", fromString.Database, Order("PGDATABASE", "DB_NAME"));
        if (databaseOrigin == "the default") databaseOrigin = lambda ? "DB_NAME (none was given, so the user name was used)" : "--dbname (none was given, so the user name was used)";
        string usernameOrigin = Origin(inputs.Username, "--username", fromString.Username, Order("PGUSER", "DB_USER"));
        if (usernameOrigin == "the default") usernameOrigin = "the operating-system user, as none was given";
        string? password = fromString.Password ?? environment("PGPASSWORD");
        var secret = !string.IsNullOrEmpty(password) ? new Secret(password) : fallbackPassword;
        string? passwordOrigin = fromString.Password is not null ? (lambda ? "the connection string" : "--connection")
            : !string.IsNullOrEmpty(password) ? "PGPASSWORD"
            : fallbackPassword is not null ? MasterSecretOrigin : null;

        string sslMode = (Pick(inputs.SslMode, fromString.SslMode, "PGSSLMODE") ?? "verify-full").ToLowerInvariant();
        string? givenRootCert = Pick(inputs.SslRootCert, fromString.RootCertificate, "PGSSLROOTCERT");
        var tls = sslMode switch
        {
            "verify-full" => TlsMode.VerifyFull,
            "verify-ca" => TlsMode.VerifyCA,
            // libpq: "if a root CA file exists, the behavior of sslmode=require will be the same as that of verify-ca".
            "require" => givenRootCert is null ? TlsMode.Require : TlsMode.VerifyCA,
            "prefer" => TlsMode.Prefer,
            "allow" => TlsMode.Allow,
            "disable" => TlsMode.Disable,
            _ => throw new ConfigException($"sslmode '{sslMode}' (from {Origin(inputs.SslMode, "--sslmode", fromString.SslMode, "PGSSLMODE")}) is not one of libpq's: use {TlsModes.Listed}."),
        };
        string? rootCert = givenRootCert ?? DefaultBundle();
        if (rootCert == SystemStore)
        {
            // As libpq: the machine's store is for public CAs, so the host name must be checked too.
            if (tls != TlsMode.VerifyFull)
                throw new ConfigException($"sslrootcert=system (the machine's CA store) needs sslmode verify-full, not '{sslMode}' (PGSSLMODE / --sslmode).");
        }
        else if (tls is TlsMode.VerifyFull or TlsMode.VerifyCA && rootCert is not null && rootCert is not BuiltInBundle and not SystemStore && !File.Exists(rootCert))
            throw new ConfigException($"The root certificate file {rootCert} does not exist (PGSSLROOTCERT / --sslrootcert).");
        string? warning = lambda ? LambdaTlsWarning(tls, sslMode, environment) : null;
        return new ConnectionSettings(hostName, port, database, username, secret, tls, rootCert, TlsWarning: warning)
        {
            DatabaseOrigin = databaseOrigin,
            DatabaseSource = Source(inputs.Database, fromString.Database, Order("PGDATABASE", "DB_NAME")),
            UsernameSource = Source(inputs.Username, fromString.Username, Order("PGUSER", "DB_USER")),
            UsernameOrigin = usernameOrigin,
            PasswordOrigin = passwordOrigin,
        };
    }

    private static string? LambdaTlsWarning(TlsMode tls, string sslMode, Func<string, string?> environment)
    {
        if (tls == TlsMode.VerifyFull) return null;
        if (!string.Equals(environment(AllowInsecureTlsVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
            throw new ConfigException(
                $"sslmode '{sslMode}' (PGSSLMODE) is below verify-full, which the function never uses on its own: unset PGSSLMODE " +
                $"(to trust another CA, set PGSSLROOTCERT to its bundle), or set {AllowInsecureTlsVariable}=true to accept the risk.");
        return $"TLS to the database is '{sslMode}', below verify-full, because {AllowInsecureTlsVariable}=true: " +
               (tls is TlsMode.Disable or TlsMode.Allow or TlsMode.Prefer
                   ? "the master password and every statement may travel in plaintext."
                   : "the server's identity is not fully verified, so a machine in the path can impersonate it.");
    }

    private static string? DefaultBundle()
    {
        string path = Path.Combine(AppContext.BaseDirectory, CaBundleFileName);
        return File.Exists(path) ? path : BuiltInBundle;
    }

    private sealed record Parsed(string? Host = null, string? Port = null, string? Username = null, string? Database = null,
        string? Password = null, string? SslMode = null, string? RootCertificate = null);

    private static Parsed Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return new Parsed();
        if (connectionString.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            connectionString.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return ParseUri(connectionString);
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return new Parsed(b.Host, b.Port == NpgsqlConnection.DefaultPort && !connectionString.Contains("port", StringComparison.OrdinalIgnoreCase) ? null : b.Port.ToString(),
                b.Username, b.Database, b.Password,
                connectionString.Contains("ssl", StringComparison.OrdinalIgnoreCase) ? SslModeName(b.SslMode) : null, b.RootCertificate);
        }
        catch (ArgumentException)
        {
            // The message of the builder's exception may echo the string, password included.
            throw new ConfigException("The connection string is not valid: use 'Host=...;Port=...;Username=...;Database=...' or postgresql://user@host:port/database.");
        }
    }

    private static Parsed ParseUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw new ConfigException("The connection URI is not valid: use postgresql://user@host:port/database.");
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) password = Uri.UnescapeDataString(parts[1]);
        }
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]), StringComparer.OrdinalIgnoreCase);
        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new Parsed(uri.Host.Length > 0 ? uri.Host : null, uri.IsDefaultPort || uri.Port < 0 ? null : uri.Port.ToString(), user,
            database.Length > 0 ? database : null, password, query.GetValueOrDefault("sslmode"), query.GetValueOrDefault("sslrootcert"));
    }

    private static string SslModeName(SslMode mode) => mode switch
    {
        SslMode.Disable => "disable",
        SslMode.VerifyFull => "verify-full",
        SslMode.VerifyCA => "verify-ca",
        SslMode.Require => "require",
        SslMode.Allow => "allow",
        _ => "prefer",
    };
}
