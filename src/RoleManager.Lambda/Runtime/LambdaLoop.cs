using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RoleManager.Lambda.Logging;

namespace RoleManager.Lambda.Runtime;

/// <summary>
/// The function's main loop: next invocation, handler, response or error, again. Each invocation runs under
/// a token cancelled <see cref="SafetyMargin"/> before its deadline, measured on the injected
/// <see cref="TimeProvider"/>. The loop ends when the Runtime API fails (a 500, or no answer at all) or when
/// the caller's token is cancelled.
/// </summary>
public sealed class LambdaLoop(IRuntimeApiClient client, IInvocationHandler handler, ILogger logger, TimeProvider time, Logging.SecretRedactor? redactor = null)
{
    /// <summary>The largest synchronous response Lambda accepts (6 MB); a bigger result becomes an error.</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    /// <summary>How long before the deadline the handler's token is cancelled: time left to report.</summary>
    public TimeSpan SafetyMargin { get; init; } = Invocation.ReportMargin;

    /// <summary>Runs until the Runtime API fails or <paramref name="stop"/> is cancelled; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Invocation invocation;
            try
            {
                invocation = await client.GetNextInvocationAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is RuntimeApiException or HttpRequestException)
            {
                // Without a next invocation there is nothing to report to: exit, Lambda starts a new process.
                Log.RuntimeApiFatal(logger, e);
                return ExitCodes.RuntimeApiFailed;
            }

            if (!await HandleAsync(invocation, stop).ConfigureAwait(false))
            {
                return stop.IsCancellationRequested ? ExitCodes.Stopped : ExitCodes.RuntimeApiFailed;
            }
        }

        Log.StopRequested(logger);
        return ExitCodes.Stopped;
    }

    /// <summary>Handles one invocation and reports its outcome; false when the Runtime API failed fatally.</summary>
    internal async Task<bool> HandleAsync(Invocation invocation, CancellationToken stop)
    {
        using var requestScope = RequestContext.Begin(invocation.RequestId);
        var started = time.GetTimestamp();
        using var deadline = DeadlineSource(invocation.Deadline);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stop);
        Log.InvocationStarted(logger, invocation.InvokedFunctionArn, invocation.TraceId, RemainingMs(invocation.Deadline));

        ReadOnlyMemory<byte> response = default;
        LambdaError? error = null;
        try
        {
            response = await handler.HandleAsync(invocation, linked.Token).ConfigureAwait(false);
            if (response.Length > MaxResponseBytes)
            {
                error = LambdaError.Create(LambdaError.ResponseTooLargeErrorType,
                    $"The result is {response.Length} bytes; Lambda returns at most {MaxResponseBytes}. Narrow the request.");
                Log.InvocationFailed(logger, error.ErrorType, ElapsedMs(started), null);
            }
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            error = LambdaError.Create(LambdaError.TimeoutErrorType,
                $"The invocation was stopped {SafetyMargin.TotalSeconds:0.#} s before its deadline. "
                + "Raise the function's timeout, or look in the log for the step that was slow.");
            Log.InvocationFailed(logger, error.ErrorType, ElapsedMs(started), e);
        }
        catch (Exception e)
        {
            // The host boundary: whatever the handler throws is reported, never lets the process die.
            error = LambdaError.FromException(e, redactor is null ? null : redactor.Redact);
            Log.InvocationFailed(logger, error.ErrorType, ElapsedMs(started), e);
        }

        try
        {
            if (error is null)
            {
                await client.SendResponseAsync(invocation.RequestId, response, stop).ConfigureAwait(false);
                Log.InvocationSucceeded(logger, ElapsedMs(started), response.Length);
            }
            else
            {
                await client.ReportInvocationErrorAsync(invocation.RequestId, error, stop).ConfigureAwait(false);
            }

            return true;
        }
        catch (RuntimeApiException e) when (!e.IsFatal)
        {
            // E.g. 413 for a response Lambda would not take: this invocation is lost, the next one may be fine.
            Log.RuntimeApiRefused(logger, e);
            return true;
        }
        catch (Exception e) when (e is RuntimeApiException or HttpRequestException)
        {
            Log.RuntimeApiFatal(logger, e);
            return false;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }

    private CancellationTokenSource DeadlineSource(DateTimeOffset deadline)
    {
        if (deadline == DateTimeOffset.MaxValue)
        {
            return new CancellationTokenSource();
        }

        var delay = deadline - SafetyMargin - time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            var expired = new CancellationTokenSource();
            expired.Cancel();
            return expired;
        }

        // CancellationTokenSource takes at most ~49 days; no Lambda runs longer than 15 minutes.
        return new CancellationTokenSource(delay > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : delay, time);
    }

    private long RemainingMs(DateTimeOffset deadline) =>
        deadline == DateTimeOffset.MaxValue ? -1 : (long)(deadline - time.GetUtcNow()).TotalMilliseconds;

    private long ElapsedMs(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;
}
