using Npgsql;
using RoleManager.Errors;

namespace RoleManager.Execute;

/// <summary>Timeouts for one apply. <see cref="LockTimeout"/> also bounds the wait for another run's lock.</summary>
public sealed record ExecutionOptions(TimeSpan LockTimeout, TimeSpan StatementTimeout)
{
    public static readonly ExecutionOptions Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));
}

/// <summary>
/// The one place transactions are handled: begin, set <c>lock_timeout</c> and <c>statement_timeout</c>
/// for this transaction only, take the transaction-scoped advisory lock that serialises runs on this
/// database, then commit or roll back. Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
public sealed class PlanTransaction : IAsyncDisposable
{
    /// <summary>"RoleMgr" in ASCII: the advisory lock key every run on a database takes.</summary>
    public const long AdvisoryLockKey = 0x526F6C654D6772;

    private readonly NpgsqlTransaction _transaction;
    private bool _finished;

    private PlanTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        _transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }

    public static async Task<PlanTransaction> BeginAsync(NpgsqlConnection connection, ExecutionOptions options, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var tx = new PlanTransaction(connection, transaction);
        try
        {
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL lock_timeout = {Milliseconds(options.LockTimeout)}"));
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL statement_timeout = {Milliseconds(options.StatementTimeout)}"));
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", connection, transaction))
                await command.ExecuteNonQueryAsync(cancellationToken);
            return tx;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled)
        {
            await tx.DisposeAsync();
            throw new ApplyException(
                $"Another role-manager run holds the lock on database \"{connection.Database}\" and it was not released within the lock timeout ({options.LockTimeout.TotalSeconds:0.#} s). " +
                "Nothing was changed. Retry when that run has finished, or raise --lock-timeout.", ex);
        }
        catch
        {
            await tx.DisposeAsync();
            throw;
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction.CommitAsync(cancellationToken);
        _finished = true;
    }

    public async Task RollbackAsync(CancellationToken cancellationToken)
    {
        if (_finished) return;
        _finished = true;
        await _transaction.RollbackAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            try { await _transaction.RollbackAsync(CancellationToken.None); }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException) { /* the connection is gone: the server rolled back */ }
        }
        await _transaction.DisposeAsync();
    }

    private static long Milliseconds(TimeSpan t) => (long)t.TotalMilliseconds;
}
