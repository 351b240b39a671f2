using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace RoleManager.Testing;

/// <summary>What the function sent back for one invocation (or for init).</summary>
public sealed record RuntimeResult(RuntimeResultKind Kind, string? RequestId, string Body, string? ErrorTypeHeader)
{
    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the post arrived (cold-start timing).</summary>
    public long ReceivedTimestamp { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
}

public enum RuntimeResultKind
{
    Response,
    Error,
    InitError,
}

/// <summary>
/// The Lambda Runtime API on loopback (127.0.0.1, a free port), for running the function for real: events
/// are queued and handed out by <c>GET .../invocation/next</c> (a long poll), responses and errors are recorded.
/// <see cref="FailNextPolls"/> makes the next polls answer 500, as the real API does when the function must exit.
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    // Header names and paths are written out from the documented protocol, independently of our client.
    private const string Prefix = "/2018-06-01/runtime/";

    private readonly HttpListener _listener = new();
    private readonly Channel<(string RequestId, string Json, DateTimeOffset Deadline)> _events = Channel.CreateUnbounded<(string, string, DateTimeOffset)>();
    private readonly Channel<RuntimeResult> _results = Channel.CreateUnbounded<RuntimeResult>();
    private readonly ConcurrentQueue<RuntimeResult> _recorded = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private volatile bool _failPolls;

    public FakeRuntimeApi()
    {
        // A free port: bind port 0, read it, release it, then listen there (a short race, fine for tests).
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public IReadOnlyCollection<RuntimeResult> Recorded => _recorded;

    /// <summary>Queues an event; returns its request id.</summary>
    public string Enqueue(string json, TimeSpan? timeout = null)
    {
        var requestId = Guid.NewGuid().ToString();
        _events.Writer.TryWrite((requestId, json, DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromMinutes(1))));
        return requestId;
    }

    /// <summary>From now on, every poll for the next invocation (waiting or new) answers 500.</summary>
    public void FailNextPolls()
    {
        _failPolls = true;
        _events.Writer.TryWrite((string.Empty, string.Empty, default)); // wakes a waiting poll
    }

    public async Task<RuntimeResult> NextResultAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _results.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The function sent no response or error within {timeout.TotalSeconds} s.");
        }
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
        var request = context.Request;
        var response = context.Response;
        try
        {
            var path = request.Url!.AbsolutePath;
            if (request.HttpMethod == "GET" && path == Prefix + "invocation/next")
            {
                await ServeNextAsync(response);
                return;
            }

            var body = await new StreamReader(request.InputStream, Encoding.UTF8).ReadToEndAsync();
            var result = request.HttpMethod != "POST" ? null : Route(path, body, request.Headers["Lambda-Runtime-Function-Error-Type"]);
            if (result is null)
            {
                await WriteAsync(response, HttpStatusCode.NotFound, "{\"errorMessage\":\"no such path\"}");
                return;
            }

            _recorded.Enqueue(result);
            _results.Writer.TryWrite(result);
            await WriteAsync(response, HttpStatusCode.Accepted, "{\"status\":\"OK\"}");
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ServeNextAsync(HttpListenerResponse response)
    {
        (string RequestId, string Json, DateTimeOffset Deadline) next = default;
        while (!_failPolls)
        {
            next = await _events.Reader.ReadAsync(_stop.Token);
            if (next.RequestId.Length > 0)
            {
                break;
            }
        }

        if (_failPolls)
        {
            await WriteAsync(response, HttpStatusCode.InternalServerError, "{\"errorMessage\":\"runtime gone\",\"errorType\":\"Runtime.Fake\"}");
            return;
        }

        response.Headers["Lambda-Runtime-Aws-Request-Id"] = next.RequestId;
        response.Headers["Lambda-Runtime-Deadline-Ms"] = next.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:role-manager";
        response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-00000000-000000000000000000000000;Sampled=0";
        await WriteAsync(response, HttpStatusCode.OK, next.Json ?? string.Empty);
    }

    private static RuntimeResult? Route(string path, string body, string? errorType)
    {
        if (path == Prefix + "init/error")
        {
            return new RuntimeResult(RuntimeResultKind.InitError, null, body, errorType);
        }

        const string invocation = Prefix + "invocation/";
        if (!path.StartsWith(invocation, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path[invocation.Length..].Split('/');
        return rest switch
        {
            [var id, "response"] => new RuntimeResult(RuntimeResultKind.Response, Uri.UnescapeDataString(id), body, null),
            [var id, "error"] => new RuntimeResult(RuntimeResultKind.Error, Uri.UnescapeDataString(id), body, errorType),
            _ => null,
        };
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
}
