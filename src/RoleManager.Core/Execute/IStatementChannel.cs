using Microsoft.Extensions.Logging;

namespace RoleManager.Execute;

/// <summary>
/// What <see cref="PlanExecutor"/> needs of the transaction it runs a plan in: the log its statements go to, and a way
/// to send one statement. <see cref="PlanTransaction"/> sends to the server; a recording channel lets the executor's
/// transcript be made from a plan alone, without a server (tests/RoleManager.Core.Tests/Transcripts).
/// </summary>
public interface IStatementChannel
{
    ILogger Logger { get; }

    /// <summary>Sends one statement (the executable SQL: a password is in it, so it is never logged from here).</summary>
    Task SendAsync(string sql, CancellationToken cancellationToken);
}
