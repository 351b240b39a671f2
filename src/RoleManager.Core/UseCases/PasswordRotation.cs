using Microsoft.Extensions.Logging;
using Npgsql;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Passwords;
using RoleManager.Planning;

namespace RoleManager.UseCases;

/// <summary>
/// The database side of rotating a role's <c>password_secret</c> (the Lambda's setSecret and testSecret steps): the
/// same transaction owner, advisory lock, executor and log as every run, so the password change is in the transcript
/// like any other statement (the password masked) and waits for a run that holds the lock. Secrets Manager's side of
/// the protocol stays in the host (<c>Lambda/Rotation/SecretRotation.cs</c>).
/// </summary>
public sealed class PasswordRotation(IConnectionFactory connections, ExecutionOptions options, ILogger logger)
{
    /// <summary>
    /// Sets <paramref name="password"/> on <paramref name="role"/> and records <paramref name="version"/> as its marker, in
    /// one transaction; false (nothing changed) when the role does not exist yet.
    /// </summary>
    public async Task<bool> SetAsync(string role, Secret password, string reason, string version, string source, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        ExecutionLog.Opened(logger, connections.Target);
        await using var transaction = await PlanTransaction.BeginAsync(connection, options, TransactionMode.Commit, logger, cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = $1", connection, transaction.Transaction)
                     { Parameters = { new() { Value = role } } })
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! == 0)
                return false;
        await new PlanExecutor().ExecuteAsync(transaction, new Plan(PasswordChanges.Set(role, password, reason, version, source)), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Logs in as <paramref name="role"/> with <paramref name="password"/> and runs one query; a refusal throws.
    /// <paramref name="database"/>: where to log in when it is not the master's database (a cluster config's database
    /// that gives the role CONNECT).
    /// </summary>
    public async Task ProveLoginAsync(string role, Secret password, CancellationToken cancellationToken, IConnectionFactory? database = null)
    {
        await using var login = await (database ?? connections).OpenAsAsync(role, password, cancellationToken);
        await using var probe = new NpgsqlCommand("SELECT 1", login);
        await probe.ExecuteScalarAsync(cancellationToken);
    }
}
