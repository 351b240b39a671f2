using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Passwords;
using RoleManager.Planning;
using RoleManager.Sql;

namespace RoleManager.Check;

/// <summary>The check's logins: each login role's own session (its login, search_path, and a refused CREATE in public).</summary>
public sealed partial class Checker
{
    /// <summary>Logs in as each role on a bounded pool; the assertions come back in the roles' declared order.</summary>
    private async Task<List<Assertion>> CheckLoginsAsync(List<RoleSpec> roles, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var perRole = new List<Assertion>[roles.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, roles.Count),
            new ParallelOptions { MaxDegreeOfParallelism = LoginParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var mine = new List<Assertion>(3);
                await CheckLoginAsync(roles[i], mine, token);
                perRole[i] = mine;
            });
        CheckLog.Logins(_logger, roles.Count, clock.Elapsed.TotalSeconds, LoginParallelism,
            Stopwatch.GetElapsedTime(0, _loginTicks).TotalSeconds, Stopwatch.GetElapsedTime(0, _sessionTicks).TotalSeconds);
        return perRole.SelectMany(a => a).ToList();
    }

    private async Task CheckLoginAsync(RoleSpec role, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        NpgsqlConnection connection;
        try
        {
            Secret? secret;
            // One at a time: a credentials source (an IAM token generator, the host's redaction list) need not be thread-safe.
            await _credentialsGate.WaitAsync(cancellationToken);
            try { secret = await credentials.GetAsync(role, target.Host, target.Port, cancellationToken); }
            finally { _credentialsGate.Release(); }
            connection = await connections.OpenAsAsync(role.Name, secret, cancellationToken);
        }
        catch (RoleManagerException ex)
        {
            assertions.Add(new(role.Name, $"logs in ({Describe(role.Auth)})", false, Refused(role, ex)));
            return;
        }
        finally
        {
            Interlocked.Add(ref _loginTicks, Stopwatch.GetTimestamp() - started);
        }
        started = Stopwatch.GetTimestamp();
        await using (connection)
        {
            assertions.Add(await ProvesLoginAsync(role, cancellationToken)
                ? new(role.Name, $"logs in ({Describe(role.Auth)})", true, $"connected as {role.Name}")
                : new(role.Name, $"logs in ({Describe(role.Auth)})", false, role.Auth == AuthMode.Iam
                    ? $"connected as {role.Name}, but {LoginProbe.TokenNotAsked}: {LoginProbe.TokenNotAskedHint}"
                    : $"connected as {role.Name}, but {LoginProbe.NotAsked}: {LoginProbe.NotAskedHint}") { Unproven = true });
            await CheckSessionAsync(connection, role, assertions, cancellationToken);
        }
        Interlocked.Add(ref _sessionTicks, Stopwatch.GetTimestamp() - started);
    }

    /// <summary>
    /// Whether a login proved the role's credential: only where the server asks for it. The resolver already knows for a
    /// <c>password_env</c> role; otherwise one more login, with a value that must fail, tells. An IAM token is the same
    /// case: a server that trusts the role lets it in with any token (on RDS the bad value is refused through PAM, 28000,
    /// which is not "let in", so the token login counts as proven there).
    /// </summary>
    private async Task<bool> ProvesLoginAsync(RoleSpec role, CancellationToken cancellationToken) => role.Auth switch
    {
        AuthMode.Password => (role.PasswordSource?.ServerAsks ?? await LoginProbe.ServerAsksForPasswordAsync(connections, role.Name, cancellationToken)) != false,
        AuthMode.Iam => await LoginProbe.ServerAsksForPasswordAsync(connections, role.Name, cancellationToken) != false,
        _ => true,
    };

    /// <summary>
    /// Why the role's login was refused, in the role's terms: a refused password is the role's (its source, which apply
    /// sets), a refused IAM token is the role's rds_iam membership or the token, never the master's password.
    /// </summary>
    private static string Refused(RoleSpec role, RoleManagerException ex)
    {
        if (!LoginProbe.IsPasswordRefused(ex)) return ex.Message;
        return role.Auth switch
        {
            AuthMode.Password => $"the server refused the password of {role.Name} (28P01): the role's password is not the one in " +
                                 $"{role.PasswordSource?.Describe() ?? "the configuration"}; apply sets it",
            AuthMode.Iam => $"the server refused the IAM token of {role.Name} (28P01): check that {role.Name} is a member of rds_iam and that the " +
                            "token was made for this user, host and region",
            _ => $"the server asked {role.Name} for a password (28P01), but the role has auth: none: allow it in pg_hba.conf (trust) or declare auth: password",
        };
    }

    /// <summary>
    /// The role's own session in one round trip and a rollback (at 1,000 roles every round trip counts): BEGIN, the
    /// timeouts, <c>SHOW search_path</c> and, last, the CREATE in <c>public</c> that must be refused. The CREATE comes last
    /// because an error skips the rest of a batch, and so an error that comes after the SHOW's row is the CREATE's; the
    /// aborted transaction is rolled back whole, so no savepoint is needed.
    /// </summary>
    private async Task CheckSessionAsync(NpgsqlConnection connection, RoleSpec role, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        // The one transaction owner: its settings (timeouts, no JIT) go first in the role's batch; no advisory lock, and no
        // begin/rollback lines in the log for each of a thousand roles.
        await using var transaction = await PlanTransaction.StartAsync(connection, _options, TransactionMode.AlwaysRollback, logger: null, cancellationToken, serialise: false);
        var (searchPath, refusal) = await transaction.FirstBatchAsync(async prelude =>
        {
            await using var batch = new NpgsqlBatch(connection, transaction.Transaction);
            foreach (var command in prelude.Commands) batch.BatchCommands.Add(command);
            batch.BatchCommands.Add(new("SHOW search_path"));
            batch.BatchCommands.Add(new($"CREATE TABLE public.{Ident.Quote(ProbeName("public"))} (id int)"));
            string? shown = null;
            PostgresException? refused = null;
            // The reader skips the SETs' empty results: it starts on the SHOW's row.
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await prelude.SkipAsync(reader, cancellationToken);
            if (await reader.ReadAsync(cancellationToken)) shown = reader.GetString(0);
            try
            {
                while (await reader.NextResultAsync(cancellationToken)) { }
            }
            catch (PostgresException ex) when (shown is not null)
            {
                refused = ex;
            }
            return (shown, refused);
        }, cancellationToken);
        // The session's own search_path: the one the config writes for this database outranks the cluster-wide one, so this
        // is what the plan manages. An empty list declares no search_path here (the session then has another's: not ours).
        if (role.SearchPath is { IsEmpty: false } wanted)
        {
            bool same = Ident.ParseIdentifierList(searchPath ?? "").SequenceEqual(wanted, StringComparer.Ordinal);
            assertions.Add(new(role.Name, $"search_path is {string.Join(", ", wanted)}", same, $"search_path = {searchPath}"));
        }
        var (ok, detail) = Outcome(expectRefusal: true, refusal);
        assertions.Add(new(role.Name, "cannot create in schema public", ok, detail));
        await transaction.FinishAsync(cancellationToken);
    }
}
