using System.Net.Sockets;
using Npgsql;
using RoleManager.Errors;

namespace RoleManager.Connect;

/// <summary>
/// Opens Npgsql connections from <see cref="ConnectionSettings"/> and turns every way a connection can
/// fail into a <see cref="ConnectionException"/> that names the target (never the password) and says what to check.
/// <para>
/// Every connection as the master pins <c>search_path = pg_catalog, pg_temp</c> in the startup packet
/// (<see cref="SafeSearchPath"/>): a client startup option outranks <c>ALTER ROLE/DATABASE ... SET search_path</c>,
/// outlives <c>SET ROLE</c> and <c>RESET</c>, so no operator, function or aggregate that a database user
/// planted in <c>public</c>, in a schema named like the master (<c>"$user"</c>) or anywhere else can win
/// name resolution and run with the master's rights. Connections as a declared role (the check's logins,
/// <see cref="OpenAsAsync"/> with another user name) keep the role's own settings: the check asserts the
/// search_path the application will get, and such a session runs only the checker's fixed statements with
/// that role's own rights, so nothing in it can escalate.
/// </para>
/// </summary>
public sealed class NpgsqlConnectionFactory(ConnectionSettings settings, string applicationName = "role-manager") : IConnectionFactory
{
    /// <summary>The startup option that pins the master's search_path (pg_temp last, so it never shadows pg_catalog).</summary>
    public const string SafeSearchPath = "-c search_path=pg_catalog,pg_temp";

    /// <summary>
    /// What every session of the tool sets in its startup packet, which outranks <c>ALTER DATABASE/ROLE … SET</c>: no
    /// idle-in-transaction limit (an apply waits between its statements on the client; a database-wide
    /// <c>idle_in_transaction_session_timeout</c> would end it with 25P03), and no statement or lock timeout before
    /// the transaction's own (<see cref="Execute.PlanTransaction.Settings"/> sets the run's with SET LOCAL).
    /// A declared role's login gets only these: what it runs with otherwise is what the check asserts.
    /// </summary>
    public const string SessionLimits = "-c idle_in_transaction_session_timeout=0 -c statement_timeout=0 -c lock_timeout=0";

    /// <summary>
    /// The master's sessions also run read-write and as the master itself whatever the database says
    /// (<c>default_transaction_read_only = on</c> made every plan, apply and check stop with 25006; a database-wide
    /// <c>role</c> would make the master act as another role): the finding 6 of docs/reliability.md.
    /// </summary>
    public const string MasterSession = SafeSearchPath + " -c default_transaction_read_only=off -c role=none " + SessionLimits;

    public string Target => settings.Describe();

    public Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        OpenAsAsync(settings.Username, settings.Password, cancellationToken);

    public async Task<NpgsqlConnection> OpenAsAsync(string username, Secret? password, CancellationToken cancellationToken)
    {
        // With a CA bundle, the bundle validates the server itself (TrustBundle: it loads only the CAs the server's
        // chain names, where Npgsql would load all 88 of the RDS bundle on every open). Npgsql lets a validation
        // callback replace its own only in its Require mode, which encrypts; the callback then verifies as verify-ca /
        // verify-full do, and a handshake it refuses is a TLS error before any password is sent.
        var bundle = settings.Tls is TlsMode.VerifyFull or TlsMode.VerifyCA && settings.RootCertificatePath is { } path
            ? path == ConnectionResolver.SystemStore ? MachineTrust.Bundle : ReadBundle(path)
            : null;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = settings.Host,
            Port = settings.Port,
            Database = settings.Database,
            Username = username,
            ApplicationName = applicationName,
            Timeout = ConnectTimeoutSeconds,
            Pooling = false,
            // Detail fields may quote data; keep them out of messages.
            IncludeErrorDetail = false,
            // Npgsql's default (Prefer) loads the Kerberos libraries and asks the server for GSS encryption first: a
            // library load and a round trip on every open, for a transport RDS does not offer. The tool logs in with
            // a password or an IAM token, over TLS or (locally) without.
            GssEncryptionMode = GssEncryptionMode.Disable,
            // Npgsql 8+ has libpq's meanings: Require encrypts without verifying, VerifyCA skips the host name.
            SslMode = settings.Tls switch
            {
                _ when bundle is not null => SslMode.Require,
                TlsMode.VerifyFull => SslMode.VerifyFull,
                TlsMode.VerifyCA => SslMode.VerifyCA,
                TlsMode.Require => SslMode.Require,
                TlsMode.Prefer => SslMode.Prefer,
                TlsMode.Allow => SslMode.Allow,
                _ => SslMode.Disable,
            },
        };
        builder.Options = string.Equals(username, settings.Username, StringComparison.Ordinal) ? MasterSession : SessionLimits;
        if (password is not null) builder.Password = password.Reveal();

        // The engine reads only built-in types (text, name, bool, int and their arrays), so the driver need not
        // load pg_type on open: a row and an array type per table, 20,000 rows and ~150 ms at 10,000 tables. For the
        // same reason the slim builder, with arrays and TLS only: each open builds its data source, and the full one's
        // type mappings (ranges, JSON, geometry, network, full text...) were 10 % of a cluster run's client CPU, searched
        // for every column read.
        var source = new NpgsqlSlimDataSourceBuilder(builder.ConnectionString);
        source.EnableArrays();
        source.EnableTransportSecurity();
        source.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        if (bundle is not null)
        {
            bool verifyHostName = settings.Tls == TlsMode.VerifyFull;
            source.UseSslClientAuthenticationOptionsCallback(options =>
            {
                options.CertificateChainPolicy = TrustBundle.HandshakePolicy();
                options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => bundle.Validate(certificate, chain, errors, verifyHostName);
            });
        }
        var connection = source.Build().CreateConnection();
        // Npgsql's Timeout bounds the TCP connect but not the TLS handshake of an async open: a server (or anything
        // on the path) that accepts and then stalls the handshake would hold the run forever. The open as a whole
        // gets the connect timeout (and a second for the login); the cancellation below reports it as unreachable.
        using var openTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (builder.Timeout > 0) openTimeout.CancelAfter(TimeSpan.FromSeconds(builder.Timeout + 1));
        try
        {
            await connection.OpenAsync(openTimeout.Token);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await connection.DisposeAsync();
            throw Describe(ex, username);
        }
    }

    /// <summary>What the server's certificate was checked against, in words.</summary>
    private string TrustSource => settings.RootCertificatePath switch
    {
        null or ConnectionResolver.SystemStore => "the machine's CA store",
        ConnectionResolver.BuiltInBundle => "the built-in RDS CA bundle",
        var path => $"the CA file {path}",
    };

    private int ConnectTimeoutSeconds => (int)(settings.ConnectTimeout ?? TimeSpan.FromSeconds(15)).TotalSeconds;

    private static TrustBundle ReadBundle(string path)
    {
        try
        {
            return TrustBundle.For(path);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new ConnectionException($"Cannot read the CA bundle {path} ({ex.Message}). Pass the RDS CA bundle with --sslrootcert / PGSSLROOTCERT.", ex);
        }
    }

    private ConnectionException Describe(Exception ex, string username)
    {
        string target = $"{username}@{settings.Host}:{settings.Port}/{settings.Database}";
        string message = ex switch
        {
            // PostgreSQL answers 28P01 for a user that does not exist too (it does not tell which), so the master's
            // message names where both the user name and the password came from.
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } when username == settings.Username =>
                $"The server refused the login {target} (28P01): the password is wrong or no such user exists (PostgreSQL does not say which). " +
                $"Check the user name (from {settings.UsernameOrigin ?? "--username / PGUSER"}) and the password (from {settings.PasswordOrigin ?? "PGPASSWORD or the master secret"}).",
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } =>
                $"The server refused the password for {target} (28P01). Check the password (PGPASSWORD, the master secret) or, for an IAM role, that the token was made for this user and region.",
            PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } pg =>
                $"The server refused the login {target} (28000: {pg.MessageText}). Check pg_hba.conf, that the role has LOGIN, and for IAM that it is a member of rds_iam.",
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                $"Database \"{settings.Database}\" does not exist on {settings.Host}:{settings.Port} (3D000). Create it first or fix {settings.DatabaseOrigin ?? "PGDATABASE / DB_NAME"}.",
            PostgresException { SqlState: PostgresErrorCodes.TooManyConnections } =>
                $"The server refused {target}: too many connections (53300). Retry later or raise the role's connection limit.",
            PostgresException pg =>
                $"Could not log in as {target}: {pg.MessageText} ({pg.SqlState}).",
            _ when Find<UnreadableBundleException>(ex) is { } bundle =>
                $"Cannot read the CA bundle {bundle.Path} ({bundle.Message}). Pass the RDS CA bundle with --sslrootcert / PGSSLROOTCERT.",
            OperationCanceledException =>
                $"PostgreSQL at {settings.Host}:{settings.Port} did not complete the connection (TCP, TLS and login) within {ConnectTimeoutSeconds} s. " +
                "Check that the server is running and reachable from here (host, port, security group, VPC routes) and that nothing between stalls TLS.",
            _ when IsNotPostgres(ex) =>
                $"What listens at {settings.Host}:{settings.Port} is not a PostgreSQL server: it answered the opening message with something " +
                "else (an HTTP or other service on that port?). Check the host and port (--host/--port, PGHOST/PGPORT, DB_HOST/DB_PORT).",
            _ when IsTls(ex) =>
                $"TLS to {settings.Host}:{settings.Port} failed: {ex.Message}. The server certificate must verify against {TrustSource} " +
                "(--sslrootcert FILE trusts another CA, --sslrootcert system the machine's CA store); for a local database without TLS pass --sslmode disable.",
            _ =>
                $"Cannot reach PostgreSQL at {settings.Host}:{settings.Port} ({Root(ex).Message}). Check that the server is running and reachable from here: host, port, security group and VPC routes.",
        };
        return new ConnectionException(message, ex) { MayBeResuming = MayBeResuming(ex) };
    }

    /// <summary>A wait that ran out or a server starting up: a cluster that may be resuming (never a refusal).</summary>
    private static bool MayBeResuming(Exception ex) =>
        ex is OperationCanceledException or PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow }
        || Root(ex) is TimeoutException or SocketException { SocketErrorCode: SocketError.TimedOut };

    /// <summary>
    /// The peer answered PostgreSQL's first message (SSLRequest, or the startup message without TLS) with bytes no
    /// PostgreSQL server sends. Npgsql raises these as plain <see cref="NpgsqlException"/>s with no SQLSTATE, so its own
    /// wording is all there is to tell them from a TLS failure; they must not be read as a certificate problem.
    /// </summary>
    private static bool IsNotPostgres(Exception ex) =>
        ex is NpgsqlException { InnerException: null } and not PostgresException
        && (ex.Message.Contains("for SSLRequest", StringComparison.Ordinal) || ex.Message.Contains("nknown message code", StringComparison.Ordinal));

    private static bool IsTls(Exception ex) =>
        Root(ex) is System.Security.Authentication.AuthenticationException || ex.Message.Contains("SSL", StringComparison.OrdinalIgnoreCase);

    private static Exception Root(Exception ex) => ex.InnerException is null ? ex : Root(ex.InnerException);

    private static T? Find<T>(Exception? ex) where T : Exception => ex switch
    {
        null => null,
        T found => found,
        _ => Find<T>(ex.InnerException),
    };
}
