using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RoleManager.Errors;

namespace RoleManager.Execute;

/// <summary>
/// The one place transactions are handled: begin, set <c>lock_timeout</c> and <c>statement_timeout</c>
/// for this transaction only, take the transaction-scoped advisory lock that serialises runs on this
/// database, then <see cref="FinishAsync"/> commits (<see cref="TransactionMode.Commit"/>) or rolls back
/// (<see cref="TransactionMode.AlwaysRollback"/>: dry run, check). A failed commit is mapped here to a
/// message that says whether anything may have been kept. Disposing without finishing rolls back.
/// </summary>
/// <remarks>
/// The checker's transactions (acting as each role, always rolled back) use the same class:
/// <c>await using var tx = await PlanTransaction.BeginAsync(connection, options, TransactionMode.AlwaysRollback, logger, ct, serialise: false);</c>
/// then run statements on <see cref="Connection"/> and <c>await tx.FinishAsync(ct)</c>.
/// </remarks>
public sealed class PlanTransaction : IAsyncDisposable
{
    /// <summary>"RoleMgr" in ASCII: the advisory lock key every run on a database takes.</summary>
    public const long AdvisoryLockKey = 0x526F6C654D6772;

    private readonly NpgsqlTransaction _transaction;
    private readonly ILogger _logger;
    private bool _finished;

    private PlanTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, TransactionMode mode, ILogger logger)
    {
        Connection = connection;
        _transaction = transaction;
        Mode = mode;
        _logger = logger;
    }

    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction itself, for commands that need it explicitly (a batch).</summary>
    public NpgsqlTransaction Transaction => _transaction;

    public TransactionMode Mode { get; }

    public ILogger Logger => _logger;

    /// <summary>Begins a committing transaction that takes the advisory lock (the apply's).</summary>
    public static Task<PlanTransaction> BeginAsync(NpgsqlConnection connection, ExecutionOptions options, CancellationToken cancellationToken) =>
        BeginAsync(connection, options, TransactionMode.Commit, null, cancellationToken);

    /// <param name="serialise">Take the advisory lock (runs that change the database); a check acting as roles does not need it.</param>
    public static async Task<PlanTransaction> BeginAsync(NpgsqlConnection connection, ExecutionOptions options, TransactionMode mode,
        ILogger? logger, CancellationToken cancellationToken, bool serialise = true)
    {
        logger ??= NullLogger.Instance;
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var tx = new PlanTransaction(connection, transaction, mode, logger);
        try
        {
            ExecutionLog.Began(logger, mode, Milliseconds(options.LockTimeout), Milliseconds(options.StatementTimeout));
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL lock_timeout = {Milliseconds(options.LockTimeout)}"));
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL statement_timeout = {Milliseconds(options.StatementTimeout)}"));
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
            if (serialise)
            {
                await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", connection, transaction))
                    await command.ExecuteNonQueryAsync(cancellationToken);
                ExecutionLog.LockTaken(logger, AdvisoryLockKey);
            }
            return tx;
        }
        catch (PostgresException ex) when (serialise && ex.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled
                                           && !cancellationToken.IsCancellationRequested)
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

    /// <summary>Ends the transaction as its mode says; returns whether the changes were kept.</summary>
    public async Task<bool> FinishAsync(CancellationToken cancellationToken)
    {
        if (Mode == TransactionMode.AlwaysRollback)
        {
            await RollbackAsync("always-rollback mode", cancellationToken);
            return false;
        }
        await CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Commits; a failure is an <see cref="ApplyException"/> that says whether the server may have kept the changes.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (Mode == TransactionMode.AlwaysRollback)
            throw new InvalidOperationException("An always-rollback transaction is never committed.");
        _finished = true;
        try
        {
            await _transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            // The server answered: it refused the commit (a serialization failure, a deferred constraint), so nothing was kept.
            throw new ApplyException(
                $"The server refused to commit ({ex.SqlState}: {ex.MessageText}); the transaction was rolled back and nothing was changed. Run again.", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new ApplyException(
                "The connection was lost while committing, so the server may or may not have kept the changes. " +
                "Run 'plan' to see the database's state; 'apply' again converges it either way.", ex);
        }
        ExecutionLog.Committed(_logger);
    }

    public Task RollbackAsync(CancellationToken cancellationToken) => RollbackAsync("nothing to do", cancellationToken);

    private async Task RollbackAsync(string reason, CancellationToken cancellationToken)
    {
        if (_finished) return;
        _finished = true;
        await _transaction.RollbackAsync(cancellationToken);
        ExecutionLog.RolledBack(_logger, reason);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            try
            {
                await _transaction.RollbackAsync(CancellationToken.None);
                ExecutionLog.RolledBack(_logger, "failed or cancelled");
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException) { /* the connection is gone: the server rolled back */ }
        }
        await _transaction.DisposeAsync();
    }

    private static long Milliseconds(TimeSpan t) => (long)t.TotalMilliseconds;
}
