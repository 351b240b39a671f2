using System.Net;
using System.Text;
using RoleManager.Lambda.Runtime;

namespace RoleManager.Lambda.Tests;

/// <summary>One request as the fake handler saw it.</summary>
internal sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? ContentType)
{
    public string Path => Uri.AbsolutePath;

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// An <see cref="HttpMessageHandler"/> that records every request and answers from a queue of responders
/// (then from <see cref="Fallback"/>): the Runtime API without a network.
/// </summary>
internal sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, HttpResponseMessage>> _responders = new();
    private readonly Lock _lock = new();
    private readonly List<CapturedRequest> _requests = [];

    public Func<HttpRequestMessage, HttpResponseMessage> Fallback { get; set; } = _ => Status(HttpStatusCode.InternalServerError);

    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public FakeHttpHandler Then(Func<HttpRequestMessage, HttpResponseMessage> responder)
    {
        lock (_lock)
        {
            _responders.Enqueue(responder);
        }

        return this;
    }

    public FakeHttpHandler ThenEvent(string requestId, string json, DateTimeOffset? deadline = null) =>
        Then(_ => NextInvocation(requestId, json, deadline));

    public FakeHttpHandler ThenAccepted() => Then(_ => Status(HttpStatusCode.Accepted));

    public FakeHttpHandler ThenStatus(HttpStatusCode status) => Then(_ => Status(status));

    public static HttpResponseMessage NextInvocation(string requestId, string json, DateTimeOffset? deadline = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        response.Headers.Add(RuntimeApiHeaders.RequestId, requestId);
        response.Headers.Add(RuntimeApiHeaders.DeadlineMs,
            (deadline ?? DateTimeOffset.UtcNow.AddMinutes(5)).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.Add(RuntimeApiHeaders.InvokedFunctionArn, "arn:aws:lambda:eu-west-1:123456789012:function:role-manager");
        response.Headers.Add(RuntimeApiHeaders.TraceId, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
        return response;
    }

    public static HttpResponseMessage Status(HttpStatusCode status) =>
        new(status) { Content = new StringContent(status == HttpStatusCode.Accepted ? "{\"status\":\"OK\"}" : "{\"errorMessage\":\"fake\",\"errorType\":\"Fake\"}") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Func<HttpRequestMessage, HttpResponseMessage> responder;
        lock (_lock)
        {
            _requests.Add(new CapturedRequest(request.Method, request.RequestUri!, headers, body, request.Content?.Headers.ContentType?.ToString()));
            responder = _responders.Count > 0 ? _responders.Dequeue() : Fallback;
        }

        return responder(request);
    }
}
