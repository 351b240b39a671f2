using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RoleManager.Errors;

namespace RoleManager.Execute;

/// <summary>
/// The one place transactions are handled: begin, set <c>lock_timeout</c> and <c>statement_timeout</c>
/// (and no JIT or parallel workers) for this transaction only, take the transaction-scoped advisory lock that serialises runs on this
/// database, then <see cref="FinishAsync"/> commits (<see cref="TransactionMode.Commit"/>) or rolls back
/// (<see cref="TransactionMode.AlwaysRollback"/>: dry run, check). A failed commit is mapped here to a
/// message that says whether anything may have been kept. Disposing without finishing rolls back.
/// </summary>
/// <remarks>
/// One begin path: <see cref="StartAsync"/> begins, and the caller's first batch carries the settings (and the lock);
/// <see cref="BeginAsync(NpgsqlConnection, ExecutionOptions, TransactionMode, ILogger?, CancellationToken, bool)"/> is the
/// same with a first batch of the settings alone, for callers whose first statement is not a batch. Every transaction
/// of the tool comes from here: the apply and dry run (<see cref="TransactionMode.Commit"/>/<see cref="TransactionMode.AlwaysRollback"/>),
/// plan and inspect reads, the check's role sessions and probes, the audit report's snapshot
/// (<see cref="TransactionMode.Snapshot"/>) and a rotation's password change.
/// </remarks>
public sealed class PlanTransaction : IStatementChannel, IAsyncDisposable
{
    /// <summary>"RoleMgr" in ASCII: the advisory lock key every run on a database takes.</summary>
    public const long AdvisoryLockKey = 0x526F6C654D6772;

    private readonly NpgsqlTransaction _transaction;
    private readonly ILogger _logger;
    private bool _finished;
    /// <summary>The options of a transaction begun with <see cref="StartAsync"/> whose first batch was not sent yet.</summary>
    private ExecutionOptions? _pending;
    /// <summary>Whether the first batch of a transaction begun with <see cref="StartAsync"/> takes the advisory lock.</summary>
    private bool _serialise;

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

    /// <summary>Sends one statement of the plan in this transaction (the executor's; it maps the errors).</summary>
    public async Task SendAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, Connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Begins without a round trip of its own, for a caller whose first statements are a batch (the apply's inspection):
    /// the driver sends <c>BEGIN</c> with the next command, and <see cref="FirstBatchAsync{T}"/> hands the caller the
    /// <c>SET LOCAL</c>s and the advisory lock to put first in that batch, so begin, timeouts, lock and inspection cost
    /// one round trip. Until <see cref="FirstBatchAsync{T}"/> has run, nothing was sent.
    /// </summary>
    /// <param name="serialise">Take the advisory lock (apply); a plan, which only reads, gets the settings alone.</param>
    public static async Task<PlanTransaction> StartAsync(NpgsqlConnection connection, ExecutionOptions options, TransactionMode mode,
        ILogger? logger, CancellationToken cancellationToken, bool serialise = true)
    {
        logger ??= NullLogger.Instance;
        // A snapshot (the audit report) reads every catalog at one instant: REPEATABLE READ, and READ ONLY first of all.
        var transaction = mode == TransactionMode.Snapshot
            ? await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken)
            : await connection.BeginTransactionAsync(cancellationToken);
        ExecutionLog.Began(logger, mode, Milliseconds(options.LockTimeout), Milliseconds(options.StatementTimeout));
        return new PlanTransaction(connection, transaction, mode, logger) { _pending = options, _serialise = serialise };
    }

    /// <summary>
    /// Runs the first batch of a transaction begun with <see cref="StartAsync"/>: <paramref name="run"/> must put
    /// <see cref="BatchPrelude.Commands"/> first in its batch and skip their <see cref="BatchPrelude.ResultSets"/>
    /// result sets. A lock not granted within <c>lock_timeout</c> is mapped as in <see cref="BeginAsync(NpgsqlConnection, ExecutionOptions, TransactionMode, ILogger?, CancellationToken, bool)"/>.
    /// </summary>
    public async Task<T> FirstBatchAsync<T>(Func<BatchPrelude, Task<T>> run, CancellationToken cancellationToken)
    {
        var options = _pending ?? throw new InvalidOperationException("The first batch was already sent (or the transaction was begun with BeginAsync).");
        _pending = null;
        var lockCommand = new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})");
        NpgsqlBatchCommand[] settings = Mode == TransactionMode.Snapshot ? [new("SET TRANSACTION READ ONLY"), .. Settings(options)] : Settings(options);
        var prelude = _serialise
            ? new BatchPrelude([.. settings, lockCommand], ResultSets: 1)
            : new BatchPrelude(settings, ResultSets: 0);
        try
        {
            var result = await run(prelude);
            if (_serialise) ExecutionLog.LockTaken(_logger, AdvisoryLockKey);
            return result;
        }
        // Only the lock's own failure is "another run holds the lock": a timeout once the caller's reader got past the
        // prelude (the lock was granted) is an inspector query's — a statement timeout, or a catalog table another
        // session locked — and CatalogReads says so. (Npgsql leaves PostgresException.BatchCommand null here.)
        catch (PostgresException ex) when (_serialise && !prelude.Passed && IsLockTimeout(ex, cancellationToken))
        {
            throw LockNotGranted(Connection, options, ex);
        }
    }

    /// <summary>
    /// The transaction's settings: its timeouts, and no JIT compilation or parallel workers for its queries. The
    /// inspector's catalog reads are short scans that both make slower: at 10,000 tables the objects query costs more
    /// than <c>jit_above_cost</c>, and compiling it took 150 ms of a 250 ms query; the column-ACL scan of
    /// <c>pg_attribute</c> was handed to two parallel workers whose start-up (fork, catalog caches) cost ~200 ms on a
    /// fresh backend, against ~20 ms for the scan alone. Both settings are the user's to change, on RDS too.
    /// </summary>
    /// <remarks>Every transaction sends these first (<see cref="FirstBatchAsync{T}"/>); a read-only snapshot puts READ ONLY before them.</remarks>
    private static NpgsqlBatchCommand[] Settings(ExecutionOptions options) =>
    [
        new($"SET LOCAL lock_timeout = {Milliseconds(options.LockTimeout)}"),
        new($"SET LOCAL statement_timeout = {Milliseconds(options.StatementTimeout)}"),
        new("SET LOCAL jit = off"),
        new("SET LOCAL max_parallel_workers_per_gather = 0"),
    ];

    private static bool IsLockTimeout(PostgresException ex, CancellationToken cancellationToken) =>
        ex.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled && !cancellationToken.IsCancellationRequested;

    private static ApplyException LockNotGranted(NpgsqlConnection connection, ExecutionOptions options, PostgresException ex) => new(
        $"Another role-manager run holds the lock on database \"{connection.Database}\" and it was not released within the lock timeout ({options.LockTimeout.TotalSeconds:0.#} s). " +
        $"Nothing was changed. Retry when that run has finished, or {TimeoutAdvice.RaiseLockTimeout}.", ex);

    /// <summary>
    /// Begins and sends the settings (and the advisory lock) at once, for a caller whose first statement is not a batch:
    /// <see cref="StartAsync"/> with a first batch of the prelude alone.
    /// </summary>
    /// <param name="serialise">Take the advisory lock (runs that change the database); a check acting as roles does not need it.</param>
    public static async Task<PlanTransaction> BeginAsync(NpgsqlConnection connection, ExecutionOptions options, TransactionMode mode,
        ILogger? logger, CancellationToken cancellationToken, bool serialise = true)
    {
        var tx = await StartAsync(connection, options, mode, logger, cancellationToken, serialise);
        try
        {
            await tx.FirstBatchAsync(async prelude =>
            {
                await using var batch = new NpgsqlBatch(connection, tx._transaction);
                foreach (var command in prelude.Commands) batch.BatchCommands.Add(command);
                return await batch.ExecuteNonQueryAsync(cancellationToken);
            }, cancellationToken);
            return tx;
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
        if (Mode != TransactionMode.Commit)
        {
            await RollbackAsync(Mode == TransactionMode.Snapshot ? "read-only snapshot" : "always-rollback mode", cancellationToken);
            return false;
        }
        await CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Commits; a failure is an <see cref="ApplyException"/> that says whether the server may have kept the changes.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (Mode != TransactionMode.Commit)
            throw new InvalidOperationException($"A {Mode} transaction is never committed.");
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

/// <summary>
/// Statements a transaction needs sent before the caller's own, in the caller's first batch (see
/// <see cref="PlanTransaction.FirstBatchAsync{T}"/>); <paramref name="ResultSets"/> of them return a result set to skip.
/// </summary>
public sealed record BatchPrelude(IReadOnlyList<NpgsqlBatchCommand> Commands, int ResultSets)
{
    public static BatchPrelude None => new([], 0);

    /// <summary>Whether the caller's reader got past the prelude's result sets, so that its statements (the lock) succeeded.</summary>
    public bool Passed { get; private set; }

    /// <summary>Moves <paramref name="reader"/> past the prelude's result sets; the SETs have none (the reader skips them).</summary>
    public async Task SkipAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        for (int i = 0; i < ResultSets; i++) await reader.NextResultAsync(cancellationToken);
        Passed = true;
    }
}
