using Microsoft.Extensions.Logging;
using RoleManager.Planning;

namespace RoleManager.Execute;

/// <summary>
/// Every step the engine takes against the database, as source-generated log messages: the CLI's
/// progress lines, the Lambda's log lines and the tests' recorded transcripts all come from here.
/// Messages carry names, counts and display SQL only (a password is masked in <c>Change.Sql</c>).
/// </summary>
public static partial class ExecutionLog
{
    /// <summary>The category name of the engine's log.</summary>
    public const string Category = "RoleManager.Engine";

    [LoggerMessage(200, LogLevel.Debug, "open {target}")]
    public static partial void Opened(ILogger logger, string target);

    [LoggerMessage(201, LogLevel.Debug, "begin {mode} lock_timeout={lockTimeoutMs}ms statement_timeout={statementTimeoutMs}ms")]
    public static partial void Began(ILogger logger, TransactionMode mode, long lockTimeoutMs, long statementTimeoutMs);

    [LoggerMessage(202, LogLevel.Debug, "advisory lock {key} taken")]
    public static partial void LockTaken(ILogger logger, long key);

    /// <summary>Before each statement; the role/schema/object fields come from the change (<c>Change.Log</c>).</summary>
    [LoggerMessage(203, LogLevel.Debug, "execute {index}/{count} {kind} role={role} schema={schema} object={objectName}: {sql}")]
    public static partial void Executing(ILogger logger, int index, int count, ChangeKind kind, string role, string schema, string objectName, string sql);

    [LoggerMessage(204, LogLevel.Information, "{executed} of {count} statements executed, now: {description}")]
    public static partial void Progress(ILogger logger, int executed, int count, string description);

    [LoggerMessage(205, LogLevel.Debug, "commit")]
    public static partial void Committed(ILogger logger);

    [LoggerMessage(206, LogLevel.Debug, "rollback ({reason})")]
    public static partial void RolledBack(ILogger logger, string reason);

    [LoggerMessage(207, LogLevel.Information, "Change: {kind} {description} (role={role} schema={schema} object={objectName})")]
    public static partial void ChangeApplied(ILogger logger, ChangeKind kind, string description, string role, string schema, string objectName);

    [LoggerMessage(211, LogLevel.Warning, "{warning}")]
    public static partial void TlsBelowVerifyFull(ILogger logger, string warning);

    [LoggerMessage(208, LogLevel.Warning, "Another run changed the cluster at the same time ({sqlState}); inspecting again and retrying (attempt {attempt} of {attempts})")]
    public static partial void RetryingAfterConflict(ILogger logger, string sqlState, int attempt, int attempts);

    [LoggerMessage(209, LogLevel.Warning, "The master password from {secretId} was refused (28P01); reading the secret again")]
    public static partial void MasterSecretRefreshed(ILogger logger, string secretId);

    [LoggerMessage(212, LogLevel.Warning, "{target} did not answer in time (attempt {attempt}): the cluster may be paused and resuming (Aurora Serverless v2 resumes on a connection attempt); trying again in {delaySeconds} s, for up to {leftSeconds} s more")]
    public static partial void ConnectRetried(ILogger logger, string target, int attempt, int delaySeconds, int leftSeconds);

    [LoggerMessage(210, LogLevel.Information, "{action} of {database}: {changes} changes planned, {executed} executed, committed {committed}")]
    public static partial void RunFinished(ILogger logger, string action, string database, int changes, int executed, bool committed);
}
