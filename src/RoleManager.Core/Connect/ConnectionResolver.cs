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

/// <summary>
/// Resolves where and how to connect, with libpq's conventions: explicit value, then the connection
/// string (keyword form or <c>postgresql://</c> URI), then <c>PGHOST</c>/<c>PGPORT</c>/<c>PGUSER</c>/
/// <c>PGDATABASE</c>/<c>PGPASSWORD</c>/<c>PGSSLMODE</c>/<c>PGSSLROOTCERT</c>, then the reference
/// implementation's <c>DB_HOST</c>/<c>DB_PORT</c>/<c>DB_USER</c>/<c>DB_NAME</c>, then defaults.
/// TLS defaults to verify-full against the RDS CA bundle shipped beside the program.
/// </summary>
public static class ConnectionResolver
{
    public const string CaBundleFileName = "rds-ca-bundle.pem";

    public static ConnectionSettings Resolve(ConnectionInputs inputs, Func<string, string?> environment, Secret? fallbackPassword = null)
    {
        var fromString = Parse(inputs.ConnectionString);
        string? Pick(string? explicitValue, string? fromConnectionString, params string[] variables) =>
            explicitValue ?? fromConnectionString ?? variables.Select(environment).FirstOrDefault(v => !string.IsNullOrEmpty(v));

        string host = Pick(inputs.Host, fromString.Host, "PGHOST", "DB_HOST") ?? "localhost";
        string? portText = inputs.Port?.ToString() ?? Pick(null, fromString.Port, "PGPORT", "DB_PORT");
        int port = 5432;
        if (portText is not null && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
            throw new ConfigException($"Port '{portText}' is not a valid TCP port (PGPORT / DB_PORT / --port).");
        string username = Pick(inputs.Username, fromString.Username, "PGUSER", "DB_USER") ?? Environment.UserName;
        string database = Pick(inputs.Database, fromString.Database, "PGDATABASE", "DB_NAME") ?? username;
        string? password = fromString.Password ?? environment("PGPASSWORD");
        var secret = !string.IsNullOrEmpty(password) ? new Secret(password) : fallbackPassword;

        string sslMode = (Pick(inputs.SslMode, fromString.SslMode, "PGSSLMODE") ?? "verify-full").ToLowerInvariant();
        var tls = sslMode switch
        {
            "verify-full" => TlsMode.VerifyFull,
            "prefer" or "allow" or "require" or "verify-ca" => TlsMode.Prefer,
            "disable" => TlsMode.Disable,
            _ => throw new ConfigException($"sslmode '{sslMode}' is not supported: use verify-full (the default), prefer or disable (PGSSLMODE / --sslmode)."),
        };
        string? rootCert = Pick(inputs.SslRootCert, fromString.RootCertificate, "PGSSLROOTCERT") ?? DefaultBundle();
        if (tls == TlsMode.VerifyFull && rootCert is not null && !File.Exists(rootCert))
            throw new ConfigException($"The root certificate file {rootCert} does not exist (PGSSLROOTCERT / --sslrootcert).");
        return new ConnectionSettings(host, port, database, username, secret, tls, rootCert);
    }

    private static string? DefaultBundle()
    {
        string path = Path.Combine(AppContext.BaseDirectory, CaBundleFileName);
        return File.Exists(path) ? path : null;
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
