using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace RoleManager.Bench;

/// <summary>What the function posted back: a response or an error, and when it arrived.</summary>
internal sealed record RuntimeReply(bool IsError, string Body, long ReceivedTimestamp);

/// <summary>
/// The least of the Lambda Runtime API (2018-06-01) a cold start needs, on 127.0.0.1 and a free port:
/// <c>GET invocation/next</c> hands out queued events (a long poll), <c>POST invocation/{id}/response|error</c>
/// are recorded with the <see cref="Stopwatch"/> timestamp of their arrival.
/// One instance serves one process: a killed process leaves a poll waiting that would take the next event.
/// </summary>
internal sealed class LoopbackRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";
    private readonly HttpListener _listener = new();
    private readonly Channel<(string RequestId, string Json)> _events = Channel.CreateUnbounded<(string, string)>();
    private readonly Channel<RuntimeReply> _replies = Channel.CreateUnbounded<RuntimeReply>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public LoopbackRuntimeApi()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Address = $"127.0.0.1:{port}";
        _listener.Prefixes.Add($"http://{Address}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The value of <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address { get; }

    public void Enqueue(string json) => _events.Writer.TryWrite((Guid.NewGuid().ToString(), json));

    public async Task<RuntimeReply> NextReplyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _replies.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The function sent no response within {timeout.TotalSeconds:0} s.");
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string path = context.Request.Url!.AbsolutePath;
            if (context.Request.HttpMethod == "GET" && path == Prefix + "invocation/next")
            {
                var (requestId, json) = await _events.Reader.ReadAsync(_stop.Token);
                context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = requestId;
                context.Response.Headers["Lambda-Runtime-Deadline-Ms"] =
                    DateTimeOffset.UtcNow.AddMinutes(15).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:role-manager";
                context.Response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-00000000-000000000000000000000000;Sampled=0";
                await WriteAsync(context.Response, HttpStatusCode.OK, json);
                return;
            }
            string body = await new StreamReader(context.Request.InputStream, Encoding.UTF8).ReadToEndAsync();
            long received = Stopwatch.GetTimestamp();
            bool response = path.EndsWith("/response", StringComparison.Ordinal);
            bool error = path.EndsWith("/error", StringComparison.Ordinal);
            if (context.Request.HttpMethod != "POST" || !(response || error))
            {
                await WriteAsync(context.Response, HttpStatusCode.NotFound, "{\"errorMessage\":\"no such path\"}");
                return;
            }
            _replies.Writer.TryWrite(new RuntimeReply(error, body, received));
            await WriteAsync(context.Response, HttpStatusCode.Accepted, "{\"status\":\"OK\"}");
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
            // the process was killed while it polled
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = (int)status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }
        _listener.Close();
        _stop.Dispose();
    }
}
