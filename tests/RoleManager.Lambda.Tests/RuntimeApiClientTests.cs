using System.Net;
using System.Text;
using System.Text.Json;
using RoleManager.Errors;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Runtime;

namespace RoleManager.Lambda.Tests;

public sealed class RuntimeApiClientTests
{
    private const string Api = "127.0.0.1:9001";

    [Fact]
    public async Task Next_invocation_is_a_GET_that_reads_the_four_headers_and_the_body()
    {
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_123_456);
        var http = new FakeHttpHandler().ThenEvent("req-1", "\"plan\"", deadline);
        using var client = new RuntimeApiClient(Api, http);

        var invocation = await client.GetNextInvocationAsync(CancellationToken.None);

        var request = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("http://127.0.0.1:9001/2018-06-01/runtime/invocation/next", request.Uri.ToString());
        Assert.Equal("req-1", invocation.RequestId);
        Assert.Equal(deadline, invocation.Deadline);
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:role-manager", invocation.InvokedFunctionArn);
        Assert.StartsWith("Root=1-5bef4de7", invocation.TraceId);
        Assert.Equal("\"plan\"", Encoding.UTF8.GetString(invocation.Payload.Span));
    }

    [Fact]
    public async Task A_missing_deadline_means_no_deadline()
    {
        var http = new FakeHttpHandler().Then(_ =>
        {
            var response = FakeHttpHandler.NextInvocation("req-1", "\"check\"");
            response.Headers.Remove(RuntimeApiHeaders.DeadlineMs);
            return response;
        });
        using var client = new RuntimeApiClient(Api, http);

        var invocation = await client.GetNextInvocationAsync(CancellationToken.None);

        Assert.Equal(DateTimeOffset.MaxValue, invocation.Deadline);
    }

    [Fact]
    public async Task A_next_invocation_without_a_request_id_is_refused()
    {
        var http = new FakeHttpHandler().Then(_ =>
        {
            var response = FakeHttpHandler.NextInvocation("req-1", "\"check\"");
            response.Headers.Remove(RuntimeApiHeaders.RequestId);
            return response;
        });
        using var client = new RuntimeApiClient(Api, http);

        var e = await Assert.ThrowsAsync<RuntimeApiException>(() => client.GetNextInvocationAsync(CancellationToken.None));
        Assert.Contains(RuntimeApiHeaders.RequestId, e.Message);
    }

    [Fact]
    public async Task A_response_is_POSTed_unchanged_as_JSON_to_the_invocation_response_path()
    {
        var http = new FakeHttpHandler().ThenAccepted();
        using var client = new RuntimeApiClient(Api, http);
        var body = """{"roles":["app","migrator"]}"""u8.ToArray();

        await client.SendResponseAsync("req-7", body, CancellationToken.None);

        var request = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/2018-06-01/runtime/invocation/req-7/response", request.Path);
        Assert.Equal(body, request.Body);
        Assert.Equal("application/json", request.ContentType);
    }

    [Fact]
    public async Task The_request_id_is_escaped_in_the_path()
    {
        var http = new FakeHttpHandler().ThenAccepted();
        using var client = new RuntimeApiClient(Api, http);

        await client.SendResponseAsync("a/b c", "{}"u8.ToArray(), CancellationToken.None);

        Assert.Equal("/2018-06-01/runtime/invocation/a%2Fb%20c/response", Assert.Single(http.Requests).Uri.AbsolutePath);
    }

    [Fact]
    public async Task An_invocation_error_is_POSTed_as_errorType_and_errorMessage_with_the_error_type_header()
    {
        var http = new FakeHttpHandler().ThenAccepted();
        using var client = new RuntimeApiClient(Api, http);

        await client.ReportInvocationErrorAsync("req-2", LambdaError.Create("RoleManager.EventInvalid", "The event is \"bad\"."), CancellationToken.None);

        var request = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/2018-06-01/runtime/invocation/req-2/error", request.Path);
        Assert.Equal("RoleManager.EventInvalid", request.Headers[RuntimeApiHeaders.FunctionErrorType]);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""{"errorType":"RoleManager.EventInvalid","errorMessage":"The event is \u0022bad\u0022."}""", request.BodyText);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("The event is \"bad\".", json.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(2, json.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public async Task An_init_error_is_POSTed_to_the_init_error_path()
    {
        var http = new FakeHttpHandler().ThenAccepted();
        using var client = new RuntimeApiClient(Api, http);

        await client.ReportInitErrorAsync(LambdaError.Create("RoleManager.ConfigInvalid", "DB_NAME is not set."), CancellationToken.None);

        var request = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/2018-06-01/runtime/init/error", request.Path);
        Assert.Equal("RoleManager.ConfigInvalid", request.Headers[RuntimeApiHeaders.FunctionErrorType]);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("RoleManager.ConfigInvalid", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("DB_NAME is not set.", json.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task A_500_is_a_fatal_runtime_api_exception()
    {
        var http = new FakeHttpHandler().ThenStatus(HttpStatusCode.InternalServerError);
        using var client = new RuntimeApiClient(Api, http);

        var e = await Assert.ThrowsAsync<RuntimeApiException>(() => client.GetNextInvocationAsync(CancellationToken.None));

        Assert.True(e.IsFatal);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
    }

    [Fact]
    public async Task A_413_on_a_response_is_a_runtime_api_exception_that_is_not_fatal()
    {
        var http = new FakeHttpHandler().ThenStatus(HttpStatusCode.RequestEntityTooLarge);
        using var client = new RuntimeApiClient(Api, http);

        var e = await Assert.ThrowsAsync<RuntimeApiException>(() => client.SendResponseAsync("req-1", "{}"u8.ToArray(), CancellationToken.None));

        Assert.False(e.IsFatal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("http://127.0.0.1:9001/")]
    public void The_runtime_api_address_must_be_host_and_port(string address)
    {
        var e = Assert.Throws<ArgumentException>(() => new RuntimeApiClient(address, new FakeHttpHandler()));
        Assert.Contains("AWS_LAMBDA_RUNTIME_API must be host:port", e.Message);
    }

    [Fact]
    public void An_error_message_is_capped_in_size()
    {
        var error = LambdaError.Create("RoleManager.PlanFailed", new string('x', 100_000));

        Assert.Equal(LambdaError.MaxMessageLength, error.ErrorMessage.Length);
        Assert.EndsWith("(truncated)", error.ErrorMessage);
    }

    [Fact]
    public void An_error_type_is_made_safe_for_a_header()
    {
        Assert.Equal("Bad_Type_x", LambdaError.Create("Bad Type\nx", "m").ErrorType);
    }

    [Fact]
    public void A_RoleManager_exception_keeps_its_error_type_and_message()
    {
        var error = LambdaError.FromException(new EventInvalidException("The event is empty."));

        Assert.Equal("RoleManager.EventInvalid", error.ErrorType);
        Assert.StartsWith("The event is empty.", error.ErrorMessage);
    }

    [Fact]
    public void Any_other_exception_is_an_internal_error_whose_message_repeats_nothing_of_the_exception()
    {
        var error = LambdaError.FromException(new InvalidOperationException("Host=db;Password=hunter2-secret"));

        Assert.Equal(LambdaError.InternalErrorType, error.ErrorType);
        Assert.DoesNotContain("hunter2", error.ErrorMessage);
        Assert.DoesNotContain("Password", error.ErrorMessage);
        Assert.Contains(nameof(InvalidOperationException), error.ErrorMessage);
    }

    [Fact]
    public void Every_RoleManager_error_type_from_core_is_kept()
    {
        RoleManagerException[] errors = [new ConfigException("c"), new ConnectionException("c"), new ApplyException("a")];

        Assert.Equal(
            ["RoleManager.ConfigInvalid", "RoleManager.ConnectionFailed", "RoleManager.ApplyFailed"],
            errors.Select(e => LambdaError.FromException(e).ErrorType));
    }
}
