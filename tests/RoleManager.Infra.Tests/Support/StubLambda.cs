using System.Net;
using System.Text;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests.Support;

/// <summary>
/// A stand-in for the Lambda Invoke API on 127.0.0.1 (moto cannot answer with a FunctionError
/// without Docker): it records each request and answers with the configured status, headers and body.
/// </summary>
public sealed class StubLambda : IDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly List<Request> _requests = [];

    public StubLambda()
    {
        _server = new LoopbackHttpServer(AnswerAsync);
    }

    /// <summary>The URL to put in <c>AWS_ENDPOINT_URL</c>.</summary>
    public string Endpoint => _server.Endpoint;

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

    /// <summary>
    /// Answers as Lambda's Invoke does: the function's payload with the request id and version headers, and
    /// <c>X-Amz-Function-Error</c> when the function failed (the HTTP status stays 200 then). Also used by <see cref="LambdaInvokeProxy"/>.
    /// </summary>
    public static Task WriteInvokeResponseAsync(HttpListenerResponse response, int statusCode, string payload, string? functionError,
        string? errorType = null, string? logTail = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = statusCode;
        if (errorType is not null)
            response.Headers["x-amzn-ErrorType"] = errorType;
        response.ContentType = "application/json";
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        if (functionError is not null)
            response.Headers["X-Amz-Function-Error"] = functionError;
        if (logTail is not null)
            response.Headers["X-Amz-Log-Result"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(logTail));
        return LoopbackHttpServer.WriteAsync(response, Encoding.UTF8.GetBytes(payload));
    }

    public void Dispose() => _server.Dispose();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
            .ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
        lock (_requests)
            _requests.Add(new Request(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body));
        await WriteInvokeResponseAsync(context.Response, StatusCode, ResponseBody, FunctionError, ErrorType, LogTail);
    }

    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
}
