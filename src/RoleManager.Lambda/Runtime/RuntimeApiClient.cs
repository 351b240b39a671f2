using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace RoleManager.Lambda.Runtime;

/// <summary>
/// The Lambda Runtime API over HTTP, at <c>http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/</c>.
/// Small on purpose: four calls, no retries (the runtime is local), no reflection.
/// </summary>
public sealed class RuntimeApiClient : IRuntimeApiClient, IDisposable
{
    /// <summary>The environment variable Lambda sets to the API's <c>host:port</c>.</summary>
    public const string EnvironmentVariable = "AWS_LAMBDA_RUNTIME_API";

    public const string ApiVersion = "2018-06-01";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;

    /// <param name="runtimeApi">The value of <c>AWS_LAMBDA_RUNTIME_API</c>: <c>host:port</c>.</param>
    /// <param name="handler">The HTTP handler; tests pass a fake. Owned by the client.</param>
    public RuntimeApiClient(string runtimeApi, HttpMessageHandler? handler = null)
    {
        if (string.IsNullOrWhiteSpace(runtimeApi) || runtimeApi.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"{EnvironmentVariable} must be host:port (as Lambda sets it), not '{runtimeApi}'.", nameof(runtimeApi));
        }

        _http = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://{runtimeApi}/{ApiVersion}/"),
            // "next" is a long poll that lasts until an event arrives; deadlines come from the tokens.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        const string operation = "GET invocation/next";
        using var response = await _http.GetAsync("runtime/invocation/next", HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync(operation, response, cancellationToken).ConfigureAwait(false);
        }

        var requestId = Header(response, RuntimeApiHeaders.RequestId)
            ?? throw new RuntimeApiException(operation, response.StatusCode, $"the response has no {RuntimeApiHeaders.RequestId} header");
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(
            requestId,
            ParseDeadline(Header(response, RuntimeApiHeaders.DeadlineMs)),
            Header(response, RuntimeApiHeaders.InvokedFunctionArn),
            Header(response, RuntimeApiHeaders.TraceId),
            payload);
    }

    public async Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(response);
        content.Headers.ContentType = Json;
        await PostAsync("POST invocation/response", InvocationPath(requestId, "response"), content, cancellationToken).ConfigureAwait(false);
    }

    public Task ReportInvocationErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken) =>
        PostErrorAsync("POST invocation/error", InvocationPath(requestId, "error"), error, cancellationToken);

    public Task ReportInitErrorAsync(LambdaError error, CancellationToken cancellationToken) =>
        PostErrorAsync("POST init/error", "runtime/init/error", error, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task PostErrorAsync(string operation, string path, LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, RuntimeJsonContext.Default.LambdaError));
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(RuntimeApiHeaders.FunctionErrorType, error.ErrorType);
        await SendAsync(operation, request, cancellationToken).ConfigureAwait(false);
    }

    private async Task PostAsync(string operation, string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        await SendAsync(operation, request, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(string operation, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await FailureAsync(operation, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string InvocationPath(string requestId, string call)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return $"runtime/invocation/{Uri.EscapeDataString(requestId)}/{call}";
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static DateTimeOffset ParseDeadline(string? milliseconds) =>
        long.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MaxValue;

    private static async Task<RuntimeApiException> FailureAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // The Runtime API's error bodies are short JSON ({"errorMessage", "errorType"}); keep a bounded excerpt.
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var excerpt = body.Length > 512 ? body[..512] + "..." : body;
        return new RuntimeApiException(operation, response.StatusCode, excerpt.Length == 0 ? "(no body)" : excerpt);
    }
}
