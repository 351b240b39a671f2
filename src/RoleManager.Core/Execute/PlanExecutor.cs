using Microsoft.Extensions.Logging;
using Npgsql;
using RoleManager.Errors;
using RoleManager.Planning;

namespace RoleManager.Execute;

/// <summary>
/// Runs a plan's statements in order inside a <see cref="PlanTransaction"/> (any <see cref="IStatementChannel"/>); the first failure stops it.
/// Each statement is logged through <see cref="ExecutionLog"/> (the transaction's logger) before it runs, with the
/// fields its change carries (<see cref="Change.Log"/>).
/// </summary>
public sealed class PlanExecutor
{
    /// <summary>How often a progress line is logged (every N statements).</summary>
    public const int ProgressEvery = 25;

    /// <summary>Called before each statement (index, change); for fault-injection tests.</summary>
    public Func<int, Change, CancellationToken, Task>? BeforeStatement { get; init; }

    public async Task<int> ExecuteAsync(IStatementChannel transaction, Plan plan, CancellationToken cancellationToken)
    {
        int executed = 0;
        for (int i = 0; i < plan.Changes.Length; i++)
        {
            var change = plan.Changes[i];
            if (BeforeStatement is not null) await BeforeStatement(i, change, cancellationToken);
            var logger = transaction.Logger;
            var fields = change.Log;
            ExecutionLog.Executing(logger, i + 1, plan.Changes.Length, change.Kind, fields.Role, fields.Schema, fields.Object, change.Sql);
            if (i % ProgressEvery == ProgressEvery - 1) ExecutionLog.Progress(logger, i + 1, plan.Changes.Length, change.Description);
            try
            {
                await transaction.SendAsync(change.ExecutableSql(), cancellationToken);
            }
            catch (PostgresException ex)
            {
                throw new ApplyException(
                    $"Change {i + 1} of {plan.Changes.Length} failed and the whole apply was rolled back; nothing was changed.\n" +
                    $"  change: {change.Description}\n  sql:    {change.Sql}\n  error:  {ex.SqlState}: {ex.MessageText}\n  what to do: {Advice(ex)}", ex);
            }
            catch (NpgsqlException ex)
            {
                throw new ApplyException(
                    $"The connection was lost at change {i + 1} of {plan.Changes.Length} ({change.Description}); the server rolled the transaction back, so nothing was changed. " +
                    "Check that the server is up and run again.", ex);
            }
            executed++;
            ExecutionLog.ChangeApplied(logger, change.Kind, change.Description, fields.Role, fields.Schema, fields.Object);
        }
        return executed;
    }

    private static string Advice(PostgresException ex) => ex.SqlState switch
    {
        PostgresErrorCodes.InsufficientPrivilege =>
            "the master user lacks a privilege this change needs. On RDS it must be the master user (rds_superuser, CREATEROLE) and, on PostgreSQL 16+, hold ADMIN on the roles it manages (it does when it created them).",
        PostgresErrorCodes.LockNotAvailable =>
            $"an object was locked by another session (a migration?) longer than the lock timeout. Retry when it has finished, or {TimeoutAdvice.RaiseLockTimeout}.",
        PostgresErrorCodes.QueryCanceled =>
            $"the statement ran longer than the statement timeout (or the run was cancelled): {TimeoutAdvice.RaiseStatementTimeout}.",
        PostgresErrorCodes.UndefinedObject =>
            "an object the plan relies on is missing (an extension not available on this server, or a role dropped meanwhile). Check the name; run plan again.",
        PostgresErrorCodes.DependentObjectsStillExist =>
            "the role still owns objects or holds privileges in another database; reassign or revoke them there first.",
        PostgresErrorCodes.FeatureNotSupported =>
            "this server version does not support the statement; see docs for the supported PostgreSQL versions.",
        _ => $"{ex.Hint ?? "see the PostgreSQL error above"}.",
    };
}
