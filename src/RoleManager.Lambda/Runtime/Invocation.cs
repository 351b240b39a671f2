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
    ReadOnlyMemory<byte> Payload);
