using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RoleManager.Infra.Tests.Support;

/// <summary>
/// A stand-in for the Lambda Invoke API on 127.0.0.1 (moto cannot answer with a FunctionError
/// without Docker): it records each request and answers with the configured status, headers and body.
/// </summary>
public sealed class StubLambda : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly List<Request> _requests = [];

    public StubLambda()
    {
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The URL to put in <c>AWS_ENDPOINT_URL</c>.</summary>
    public string Endpoint { get; }

    public string? FunctionError { get; set; }
    public string? LogTail { get; set; }
    public string ResponseBody { get; set; } = "{}";
    public int StatusCode { get; set; } = 200;

    /// <summary>For an API error (status 4xx/5xx): the <c>x-amzn-ErrorType</c> header.</summary>
    public string? ErrorType { get; set; }

    public IReadOnlyList<Request> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            lock (_requests)
                _requests.Add(new Request(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body));

            var response = context.Response;
            response.StatusCode = StatusCode;
            if (ErrorType is not null)
                response.Headers["x-amzn-ErrorType"] = ErrorType;
            response.ContentType = "application/json";
            response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            response.Headers["X-Amz-Executed-Version"] = "$LATEST";
            if (FunctionError is not null)
                response.Headers["X-Amz-Function-Error"] = FunctionError;
            if (LogTail is not null)
                response.Headers["X-Amz-Log-Result"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(LogTail));
            var bytes = Encoding.UTF8.GetBytes(ResponseBody);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
}
