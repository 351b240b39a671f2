using Microsoft.Extensions.Logging;

namespace RoleManager.Lambda.Logging;

/// <summary>The host's log messages, source-generated. None of them takes a secret.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Invocation started for {functionArn} with {remainingMs} ms left (trace {traceId})")]
    public static partial void InvocationStarted(ILogger logger, string? functionArn, string? traceId, long remainingMs);

    [LoggerMessage(2, LogLevel.Information, "Invocation succeeded in {durationMs} ms with a {responseBytes}-byte response")]
    public static partial void InvocationSucceeded(ILogger logger, long durationMs, int responseBytes);

    [LoggerMessage(3, LogLevel.Error, "Invocation failed after {durationMs} ms: {errorType}")]
    public static partial void InvocationFailed(ILogger logger, string errorType, long durationMs, Exception? exception);

    [LoggerMessage(4, LogLevel.Error, "Init failed: {errorType}")]
    public static partial void InitFailed(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(5, LogLevel.Critical, "The Lambda Runtime API failed; the process exits")]
    public static partial void RuntimeApiFatal(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "The Lambda Runtime API refused a call; going on with the next invocation")]
    public static partial void RuntimeApiRefused(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Critical, "AWS_LAMBDA_RUNTIME_API is not set: this program runs only as a Lambda function (provided.al2023)")]
    public static partial void RuntimeApiNotSet(ILogger logger);

    [LoggerMessage(8, LogLevel.Information, "Stop requested; the process exits")]
    public static partial void StopRequested(ILogger logger);

    [LoggerMessage(10, LogLevel.Information, "{endpoint}")]
    public static partial void AwsEndpoint(ILogger logger, string endpoint);

    /// <summary>
    /// The compliance line, one per check and per manage: its top-level fields (event, action, database, outcome,
    /// failedAssertions, accessGained, accessLost, evidenceKey) are what the Terraform module's metric filters match.
    /// </summary>
    [LoggerMessage(EventId = 11, Message = "{@event}: {action} of {database} {outcome} ({failedAssertions} failed assertions, {accessGained} grants gained, {accessLost} lost) {evidenceKey}")]
    public static partial void Compliance(ILogger logger, LogLevel level, string @event, string action, string database, string outcome,
        int failedAssertions, int accessGained, int accessLost, string evidenceKey);

    [LoggerMessage(9, LogLevel.Critical, "Reporting the init error to the Runtime API failed")]
    public static partial void InitErrorNotReported(ILogger logger, Exception exception);
}
