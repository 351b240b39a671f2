using Microsoft.Extensions.Logging;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Planning;
using RoleManager.Testing;

namespace RoleManager.Core.Tests.Transcripts;

/// <summary>
/// An apply made from an in-memory catalog: the pure planner's plan run by the real <see cref="PlanExecutor"/> over a
/// channel that records what would be sent. The steps around it (open, begin, lock, commit or rollback) are logged in the
/// order and words <c>Engine.ApplyAsync</c> and <c>PlanTransaction</c> log them; the integration suite's one real-server run
/// per scenario asserts the live transcript equals this one, so the two cannot drift apart.
/// </summary>
internal static class InMemoryRun
{
    /// <summary>The apply's transcript (placeholders as in the approved files) and the statements the channel received.</summary>
    public static async Task<(string Transcript, IReadOnlyList<string> Sent)> ApplyAsync(DesiredState desired, CurrentState current, bool dryRun)
    {
        var log = new RecordingLogger();
        var options = ExecutionOptions.Default;
        var mode = dryRun ? TransactionMode.AlwaysRollback : TransactionMode.Commit;
        ExecutionLog.Opened(log, $"{current.Server.CurrentUser}@127.0.0.1:{{port}}/{current.Server.Database}");
        ExecutionLog.Began(log, mode, (long)options.LockTimeout.TotalMilliseconds, (long)options.StatementTimeout.TotalMilliseconds);
        ExecutionLog.LockTaken(log, PlanTransaction.AdvisoryLockKey);
        var plan = Planner.Plan(desired, current);
        var channel = new RecordingChannel(log);
        if (plan.IsEmpty)
            ExecutionLog.RolledBack(log, "nothing to do");
        else
        {
            await new PlanExecutor().ExecuteAsync(channel, plan, CancellationToken.None);
            if (dryRun) ExecutionLog.RolledBack(log, "always-rollback mode");
            else ExecutionLog.Committed(log);
        }
        return (log.Transcript(), channel.Sent);
    }

    /// <summary>Keeps each statement the executor sends instead of sending it.</summary>
    private sealed class RecordingChannel(ILogger logger) : IStatementChannel
    {
        private readonly List<string> _sent = [];

        public ILogger Logger => logger;

        public IReadOnlyList<string> Sent => _sent;

        public Task SendAsync(string sql, CancellationToken cancellationToken)
        {
            _sent.Add(sql);
            return Task.CompletedTask;
        }
    }
}
