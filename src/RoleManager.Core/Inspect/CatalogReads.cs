using Npgsql;
using RoleManager.Errors;
using RoleManager.Execute;

namespace RoleManager.Inspect;

/// <summary>
/// Catalog reads (plan, apply's inspection, inspect, the audit report) stopped by the run's timeouts: the user's to act
/// on, not an internal error, so the message says which timeout and what to do. The apply's own advisory lock is mapped
/// before this, in <see cref="Execute.PlanTransaction.FirstBatchAsync{T}"/>.
/// </summary>
internal static class CatalogReads
{
    public static async Task<T> GuardAsync<T>(NpgsqlConnection connection, Func<Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read();
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested
                                           && ex.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled)
        {
            string why = ex.SqlState == PostgresErrorCodes.LockNotAvailable
                ? $"waited longer than the lock timeout for a catalog table another session had locked; retry when that session has finished, or {TimeoutAdvice.RaiseLockTimeout}"
                : $"ran longer than the statement timeout; {TimeoutAdvice.RaiseStatementTimeout}";
            throw new PlanException($"Reading the catalog of database \"{connection.Database}\" {why}. Nothing was changed.", ex);
        }
    }
}
