using System.Net;
using System.Text;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests.Support;

/// <summary>
/// Stands between the AWS provider's Lambda client and moto_server on 127.0.0.1: every Lambda API call
/// goes on to moto unchanged (create, read, update, delete the function), except Invoke, which this proxy
/// answers itself with <see cref="Respond"/> and records. Without Docker moto can neither run the function
/// nor answer with a FunctionError; here each test decides what the function "returned" and counts the runs.
/// </summary>
public sealed class LambdaInvokeProxy : IDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly HttpClient _moto;
    private readonly List<Invocation> _invocations = [];

    public LambdaInvokeProxy(Uri moto)
    {
        _moto = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = moto, Timeout = TimeSpan.FromSeconds(60) };
        _server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary>The URL for the provider's <c>endpoints { lambda = ... }</c>.</summary>
    public string Endpoint => _server.Endpoint;

    /// <summary>What the function returns for an event: by default an empty manage result.</summary>
    public Func<string, FunctionResponse> Respond { get; set; } = _ => FunctionResponse.Result(ManageResult());

    public IReadOnlyList<Invocation> Invocations
    {
        get { lock (_invocations) return [.. _invocations]; }
    }

    /// <summary>A RunSummary as the function returns it (camelCase), with these change descriptions.</summary>
    public static string ManageResult(params string[] descriptions) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            action = "manage",
            database = "app",
            server = "PostgreSQL 16.6",
            changed = descriptions.Length > 0,
            dryRun = false,
            statementsExecuted = descriptions.Length,
            elapsedSeconds = 0.2,
            changes = descriptions.Select(d => new { kind = "CreateRole", description = d, sql = $"-- {d}: PASSWORD '********'" }),
            roles = Array.Empty<object>(),
            schemas = Array.Empty<object>(),
            findings = Array.Empty<object>(),
        });

    public void Dispose()
    {
        _server.Dispose();
        _moto.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var path = context.Request.Url!.AbsolutePath;
        if (context.Request.HttpMethod == "POST" && path.StartsWith("/2015-03-31/functions/", StringComparison.Ordinal) && path.EndsWith("/invocations", StringComparison.Ordinal))
            await AnswerInvokeAsync(context, Uri.UnescapeDataString(path.Split('/')[3]), Encoding.UTF8.GetString(body.ToArray()));
        else
            await ForwardAsync(context, body.ToArray());
    }

    private Task AnswerInvokeAsync(HttpListenerContext context, string function, string payload)
    {
        lock (_invocations)
            _invocations.Add(new Invocation(function, payload, DateTimeOffset.UtcNow));
        var answer = Respond(payload);
        return StubLambda.WriteInvokeResponseAsync(context.Response, 200, answer.Payload, answer.FunctionError);
    }

    private async Task ForwardAsync(HttpListenerContext context, byte[] body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), context.Request.Url!.PathAndQuery);
        if (body.Length > 0 || context.Request.HttpMethod is "POST" or "PUT")
            request.Content = new ByteArrayContent(body);
        foreach (var name in context.Request.Headers.AllKeys.OfType<string>())
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
                continue;
            var value = context.Request.Headers[name] ?? "";
            if (!request.Headers.TryAddWithoutValidation(name, value))
                request.Content?.Headers.TryAddWithoutValidation(name, value);
        }
        using var answer = await _moto.SendAsync(request);
        var bytes = await answer.Content.ReadAsByteArrayAsync();
        var response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Server", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Date", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase))
                continue;
            response.Headers[name] = string.Join(",", values);
        }
        await LoopbackHttpServer.WriteAsync(response, bytes);
    }

    public sealed record Invocation(string Function, string Payload, DateTimeOffset At);

    public sealed record FunctionResponse(string Payload, string? FunctionError)
    {
        public static FunctionResponse Result(string json) => new(json, null);

        /// <summary>What the Lambda runtime returns when the handler reports an error.</summary>
        public static FunctionResponse Error(string errorType, string errorMessage) => new(
            System.Text.Json.JsonSerializer.Serialize(new { errorType, errorMessage }), "Unhandled");
    }
}
