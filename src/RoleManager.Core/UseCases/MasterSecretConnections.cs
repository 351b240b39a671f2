using Microsoft.Extensions.Logging;
using Npgsql;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Execute;

namespace RoleManager.UseCases;

/// <summary>
/// Opens the master's connections with the password from <see cref="IMasterCredentialSource"/> when no
/// password was given. When the server refuses that password (28P01, the secret was rotated since it was
/// read) the secret is read again, once, and the login retried; a second refusal is a clear error.
/// Also turns "no password at all" into a message that says so.
/// </summary>
public sealed class MasterSecretConnections : IConnectionFactory
{
    private readonly ResolvedTarget _target;
    private readonly IMasterCredentialSource? _secret;
    private readonly RunRequest _request;
    private readonly ILogger _logger;
    private IConnectionFactory _inner;
    private bool _refreshed;

    private MasterSecretConnections(ResolvedTarget target, RunRequest request, ConnectionSettings settings, ILogger logger)
    {
        _target = target;
        _request = request;
        _secret = target.Connection.Password is null ? request.MasterSecret : null;
        _logger = logger;
        Settings = settings;
        _inner = new NpgsqlConnectionFactory(settings, request.ApplicationName);
    }

    /// <summary>The settings of the current master login (with the secret's password and, unless named, its username).</summary>
    public ConnectionSettings Settings { get; private set; }

    public static async Task<MasterSecretConnections> CreateAsync(ResolvedTarget target, RunRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        var settings = target.Connection;
        if (settings.Password is null && request.MasterSecret is { } source)
            settings = With(target, await source.GetAsync(refresh: false, cancellationToken), request);
        else if (settings.Password is { } given)
            request.SecretRead?.Invoke(given);
        return new MasterSecretConnections(target, request, settings, logger);
    }

    public string Target => _inner.Target;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await OpenPatientlyAsync(cancellationToken);
        }
        catch (ConnectionException ex) when (IsPasswordRefused(ex) && _secret is not null && !_refreshed)
        {
            _refreshed = true;
            ExecutionLog.MasterSecretRefreshed(_logger, _secret.Description);
            Settings = With(_target, await _secret.GetAsync(refresh: true, cancellationToken), _request);
            _inner = new NpgsqlConnectionFactory(Settings, _request.ApplicationName);
            try
            {
                return await _inner.OpenAsync(cancellationToken);
            }
            catch (ConnectionException again) when (IsPasswordRefused(again))
            {
                throw new ConnectionException(
                    $"The server refused the master password for {Settings.Describe()} (28P01), also after reading the secret {_secret.Description} again: " +
                    $"the password is wrong or no such user exists (PostgreSQL does not say which). Check the user name (from {Settings.UsernameOrigin}), " +
                    "that the secret holds the current master password (a rotation may be in progress: retry in a minute) and that DB_PASSWORD_SECRET_ARN names the secret of this cluster.", again);
            }
        }
        catch (ConnectionException ex) when (Settings.Password is null && IsNoPassword(ex))
        {
            throw new ConnectionException(
                $"The server at {Settings.Host}:{Settings.Port} asks for a password for {Settings.Username}, and none was given. " +
                "Set PGPASSWORD, put the password in the connection string, or name the RDS master secret in DB_PASSWORD_SECRET_ARN.", ex);
        }
    }

    /// <summary>
    /// Opens a master connection, trying again with backoff (1, 2, 4, then 5 s) while the server does not answer in time,
    /// for up to <see cref="RunRequest.ConnectPatience"/>: the first attempt on a paused Aurora Serverless v2 cluster
    /// starts its resume and usually times out. A refused login, a missing database or a TLS failure is never retried.
    /// </summary>
    private async Task<NpgsqlConnection> OpenPatientlyAsync(CancellationToken cancellationToken)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await _inner.OpenAsync(cancellationToken);
            }
            catch (ConnectionException ex) when (ex.MayBeResuming)
            {
                var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                var delay = TimeSpan.FromSeconds(Math.Min(5, 1 << Math.Min(attempt - 1, 3)));
                var left = _request.ConnectPatience - elapsed - delay;
                if (left <= TimeSpan.Zero)
                {
                    if (attempt == 1) throw;
                    throw new ConnectionException(
                        $"{ex.Message} Tried {attempt} times over {elapsed.TotalSeconds:0} s: a paused Aurora Serverless v2 cluster resumes on a " +
                        "connection attempt (usually within 15-30 s, longer after a day paused), so retry; if it still does not answer, it is not reachable from here.",
                        ex.InnerException) { MayBeResuming = true };
                }
                ExecutionLog.ConnectRetried(_logger, _inner.Target, attempt, (int)delay.TotalSeconds, (int)left.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public Task<NpgsqlConnection> OpenAsAsync(string username, Secret? password, CancellationToken cancellationToken) =>
        _inner.OpenAsAsync(username, password, cancellationToken);

    private static ConnectionSettings With(ResolvedTarget target, MasterLogin login, RunRequest request)
    {
        request.SecretRead?.Invoke(login.Password);
        return target.Connection with
        {
            Password = login.Password,
            // An explicit flag, the connection string or PGUSER/DB_USER win over the secret's username.
            Username = target.UsernameNamed ? target.Connection.Username : login.Username,
            UsernameOrigin = target.UsernameNamed ? target.Connection.UsernameOrigin : ConnectionResolver.MasterSecretOrigin,
            PasswordOrigin = ConnectionResolver.MasterSecretOrigin,
        };
    }

    private static bool IsPasswordRefused(ConnectionException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidPassword };

    // Npgsql raises a plain NpgsqlException, with no SQLSTATE and no inner cause, when the server asks for a
    // password and none is set; every network failure carries its socket/IO cause.
    private static bool IsNoPassword(ConnectionException ex) =>
        ex.InnerException is NpgsqlException { InnerException: null } npgsql and not PostgresException
        && npgsql.Message.Contains("password", StringComparison.OrdinalIgnoreCase);
}
