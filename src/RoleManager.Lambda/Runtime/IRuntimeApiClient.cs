namespace RoleManager.Lambda.Runtime;

/// <summary>
/// The four calls of the Lambda Runtime API the function needs. Each throws <see cref="RuntimeApiException"/>
/// when the runtime answers with an unexpected status; <see cref="RuntimeApiException.IsFatal"/> (a 500) means
/// the process must exit.
/// </summary>
public interface IRuntimeApiClient
{
    /// <summary><c>GET /2018-06-01/runtime/invocation/next</c>: waits (long poll) for the next event.</summary>
    Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken);

    /// <summary><c>POST /2018-06-01/runtime/invocation/{id}/response</c> with the function's UTF-8 JSON result.</summary>
    Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken);

    /// <summary><c>POST /2018-06-01/runtime/invocation/{id}/error</c>: the invocation failed.</summary>
    Task ReportInvocationErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken);

    /// <summary><c>POST /2018-06-01/runtime/init/error</c>: the function could not start; the process exits next.</summary>
    Task ReportInitErrorAsync(LambdaError error, CancellationToken cancellationToken);
}
