using RoleManager.Errors;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Runtime;

namespace RoleManager.Lambda.Tests;

public sealed class LambdaLoopTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Each_event_gets_a_response_and_a_500_from_the_runtime_api_ends_the_loop()
    {
        var http = new FakeHttpHandler()
            .ThenEvent("req-1", "\"plan\"").ThenAccepted()
            .ThenEvent("req-2", "\"check\"").ThenAccepted()
            .ThenStatus(HttpStatusCode.InternalServerError);
        using var logs = new TestLogs();

        var exitCode = await RunAsync(http, new EchoHandler(), logs);

        Assert.Equal(ExitCodes.RuntimeApiFailed, exitCode);
        var posts = http.Requests.Where(r => r.Method == HttpMethod.Post).ToList();
        Assert.Equal(["/2018-06-01/runtime/invocation/req-1/response", "/2018-06-01/runtime/invocation/req-2/response"], posts.Select(p => p.Path));
        Assert.Equal(["\"plan\"", "\"check\""], posts.Select(p => p.BodyText));
        Assert.Equal(3, http.Requests.Count(r => r.Method == HttpMethod.Get));
    }

    [Fact]
    public async Task A_500_on_a_response_ends_the_loop()
    {
        var http = new FakeHttpHandler()
            .ThenEvent("req-1", "\"plan\"").ThenStatus(HttpStatusCode.InternalServerError)
            .ThenEvent("req-2", "\"plan\"");
        using var logs = new TestLogs();

        var exitCode = await RunAsync(http, new EchoHandler(), logs);

        Assert.Equal(ExitCodes.RuntimeApiFailed, exitCode);
        Assert.Single(http.Requests, r => r.Method == HttpMethod.Get);
    }

    [Fact]
    public async Task A_refused_response_loses_that_invocation_only()
    {
        var http = new FakeHttpHandler()
            .ThenEvent("req-1", "\"plan\"").ThenStatus(HttpStatusCode.RequestEntityTooLarge)
            .ThenEvent("req-2", "\"plan\"").ThenAccepted();
        using var logs = new TestLogs();

        await RunAsync(http, new EchoHandler(), logs);

        Assert.Equal("/2018-06-01/runtime/invocation/req-2/response", http.Requests.Last(r => r.Method == HttpMethod.Post).Path);
    }

    [Fact]
    public async Task A_RoleManager_exception_is_reported_with_its_error_type()
    {
        var http = new FakeHttpHandler().ThenEvent("req-1", "\"deploy\"").ThenAccepted();
        using var logs = new TestLogs();

        await RunAsync(http, new ParsingHandler(), logs);

        var error = Assert.Single(http.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal("/2018-06-01/runtime/invocation/req-1/error", error.Path);
        Assert.Equal(EventInvalidException.Type, error.Headers[RuntimeApiHeaders.FunctionErrorType]);
        using var json = JsonDocument.Parse(error.Body);
        Assert.Equal(EventInvalidException.Type, json.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("\"deploy\" is not an action", json.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Any_other_exception_is_an_internal_error_and_its_secret_reaches_neither_the_error_nor_the_log()
    {
        var http = new FakeHttpHandler().ThenEvent("req-1", "\"manage\"").ThenAccepted();
        using var logs = new TestLogs();
        logs.Redactor.Register(new Secret("hunter2-master-password"));

        await RunAsync(http, new ThrowingHandler(new InvalidOperationException("login failed with password hunter2-master-password")), logs);

        var error = Assert.Single(http.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal("/2018-06-01/runtime/invocation/req-1/error", error.Path);
        Assert.Equal(LambdaError.InternalErrorType, error.Headers[RuntimeApiHeaders.FunctionErrorType]);
        Assert.DoesNotContain("hunter2", error.BodyText);
        Assert.DoesNotContain("hunter2", logs.Text);
        Assert.Contains("login failed with password ***", logs.Text);
        // The engine's one policy, as the CLI words it too: the type, and how to learn whether anything was committed.
        using var body = JsonDocument.Parse(error.BodyText);
        Assert.Equal(InternalError.Message(new InvalidOperationException(), "The function's log has the details under this request id."),
            body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Contains("It may have come before or after a commit: run plan", error.BodyText);
    }

    [Fact]
    public async Task The_handler_token_is_cancelled_two_seconds_before_the_deadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var http = new FakeHttpHandler()
            .ThenEvent("req-1", "\"manage\"", time.GetUtcNow().AddSeconds(10))
            .ThenAccepted();
        var handler = new WaitForCancellationHandler();
        using var logs = new TestLogs(time);
        using var client = new RuntimeApiClient("127.0.0.1:9001", http);
        var loop = new LambdaLoop(client, handler, logs.Logger, time).RunAsync(CancellationToken.None);

        var token = await handler.Started.Task.WaitAsync(TestTimeout);
        time.Advance(TimeSpan.FromSeconds(7.9));
        Assert.False(token.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(token.IsCancellationRequested);

        Assert.Equal(ExitCodes.RuntimeApiFailed, await loop.WaitAsync(TestTimeout));
        var error = Assert.Single(http.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal(LambdaError.TimeoutErrorType, error.Headers[RuntimeApiHeaders.FunctionErrorType]);
        Assert.Contains("before its deadline", error.BodyText);
    }

    /// <summary>Issue 29: the deadline margins had two owners (3 s in the function, 2 s in the loop); now one.</summary>
    [Fact]
    public void The_handlers_own_waits_end_one_second_before_the_loop_cancels_its_token()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var invocation = new Invocation("req-1", time.GetUtcNow().AddSeconds(10), null, null, default);
        Assert.Equal(Invocation.ReportMargin, new LambdaLoop(new RuntimeApiClient("127.0.0.1:9001", new FakeHttpHandler()), new WaitForCancellationHandler(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, time).SafetyMargin);
        Assert.Equal(TimeSpan.FromSeconds(7), invocation.TimeLeftToWait(time));
        time.Advance(TimeSpan.FromSeconds(9.5));
        Assert.Equal(TimeSpan.Zero, invocation.TimeLeftToWait(time));
    }

    [Fact]
    public async Task A_deadline_already_inside_the_safety_margin_cancels_at_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var http = new FakeHttpHandler().ThenEvent("req-1", "\"manage\"", time.GetUtcNow().AddSeconds(1)).ThenAccepted();
        using var logs = new TestLogs(time);

        await RunAsync(http, new WaitForCancellationHandler(), logs, time);

        Assert.Equal(LambdaError.TimeoutErrorType, Assert.Single(http.Requests, r => r.Method == HttpMethod.Post).Headers[RuntimeApiHeaders.FunctionErrorType]);
    }

    [Fact]
    public async Task A_result_over_six_megabytes_is_reported_as_an_error()
    {
        var http = new FakeHttpHandler().ThenEvent("req-1", "\"plan\"").ThenAccepted();
        using var logs = new TestLogs();

        await RunAsync(http, new FixedHandler(new byte[LambdaLoop.MaxResponseBytes + 1]), logs);

        var post = Assert.Single(http.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal("/2018-06-01/runtime/invocation/req-1/error", post.Path);
        Assert.Equal(LambdaError.ResponseTooLargeErrorType, post.Headers[RuntimeApiHeaders.FunctionErrorType]);
    }

    [Fact]
    public async Task Log_lines_written_while_handling_carry_the_request_id()
    {
        var http = new FakeHttpHandler().ThenEvent("req-42", "\"plan\"").ThenAccepted();
        using var logs = new TestLogs();

        await RunAsync(http, new EchoHandler(), logs);

        var lines = logs.Lines;
        Assert.Contains(lines, l => l.GetProperty("message").GetString()!.StartsWith("Invocation started", StringComparison.Ordinal)
                                    && l.GetProperty("requestId").GetString() == "req-42");
        Assert.Contains(lines, l => l.GetProperty("message").GetString()!.StartsWith("Invocation succeeded", StringComparison.Ordinal)
                                    && l.GetProperty("requestId").GetString() == "req-42");
        var last = lines[^1];
        Assert.Equal("FATAL", last.GetProperty("level").GetString());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("requestId").ValueKind);
    }

    [Fact]
    public async Task A_stop_request_ends_the_loop_with_exit_code_zero()
    {
        using var stop = new CancellationTokenSource();
        var http = new FakeHttpHandler { Fallback = _ => throw new InvalidOperationException("not reached") }
            .Then(_ =>
            {
                stop.Cancel();
                throw new OperationCanceledException(stop.Token);
            });
        using var logs = new TestLogs();
        using var client = new RuntimeApiClient("127.0.0.1:9001", http);

        var exitCode = await new LambdaLoop(client, new EchoHandler(), logs.Logger, TimeProvider.System).RunAsync(stop.Token).WaitAsync(TestTimeout);

        Assert.Equal(ExitCodes.Stopped, exitCode);
    }

    private static async Task<int> RunAsync(FakeHttpHandler http, IInvocationHandler handler, TestLogs logs, TimeProvider? time = null)
    {
        using var client = new RuntimeApiClient("127.0.0.1:9001", http);
        return await new LambdaLoop(client, handler, logs.Logger, time ?? TimeProvider.System).RunAsync(CancellationToken.None).WaitAsync(TestTimeout);
    }

    private sealed class EchoHandler : IInvocationHandler
    {
        public Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
            Task.FromResult(invocation.Payload);
    }

    private sealed class ParsingHandler : IInvocationHandler
    {
        public Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
        {
            var parsed = EventParser.Parse(invocation.Payload);
            return Task.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(parsed.ActionName));
        }
    }

    private sealed class ThrowingHandler(Exception exception) : IInvocationHandler
    {
        public Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
            Task.FromException<ReadOnlyMemory<byte>>(exception);
    }

    private sealed class FixedHandler(byte[] result) : IInvocationHandler
    {
        public Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
            Task.FromResult<ReadOnlyMemory<byte>>(result);
    }

    private sealed class WaitForCancellationHandler : IInvocationHandler
    {
        public TaskCompletionSource<CancellationToken> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
        {
            Started.TrySetResult(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return default;
        }
    }
}
