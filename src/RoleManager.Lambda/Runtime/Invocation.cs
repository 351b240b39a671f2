namespace RoleManager.Lambda.Runtime;

/// <summary>One event handed to the function by <c>GET /runtime/invocation/next</c>.</summary>
/// <param name="RequestId">The id to answer with; it is also every log line's <c>requestId</c>.</param>
/// <param name="Deadline">When Lambda stops the invocation; <see cref="DateTimeOffset.MaxValue"/> when the runtime sent none.</param>
/// <param name="Payload">The event as the invoker sent it: UTF-8 JSON.</param>
public sealed record Invocation(
    string RequestId,
    DateTimeOffset Deadline,
    string? InvokedFunctionArn,
    string? TraceId,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>
    /// How long before <see cref="Deadline"/> the handler's token is cancelled: the time left to report. The function's
    /// deadline margins have this one owner: the loop cancels the handler here (<see cref="LambdaLoop"/>), and the waits
    /// the handler sets itself end <see cref="WaitsEndEarlier"/> before that (<see cref="TimeLeftToWait"/>).
    /// </summary>
    public static readonly TimeSpan ReportMargin = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The handler's own waits (for a connection, for a paused cluster to resume) end this long before its token is
    /// cancelled, so a database that never answers is reported as that (ConnectionFailed, naming the host) and not as a
    /// bare timeout.
    /// </summary>
    public static readonly TimeSpan WaitsEndEarlier = TimeSpan.FromSeconds(1);

    /// <summary>How long the handler may still wait for something of its own (never negative).</summary>
    public TimeSpan TimeLeftToWait(TimeProvider time)
    {
        var left = Deadline - ReportMargin - WaitsEndEarlier - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
