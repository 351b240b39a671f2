using System.Net;
using RoleManager.Errors;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Logging;
using RoleManager.Lambda.Runtime;

namespace RoleManager.Lambda.Tests;

/// <summary>AWS keys and IAM tokens are secrets too: logs and error payloads mask them.</summary>
public sealed class SecretRegistrationTests
{
    [Fact]
    public void Creating_the_function_registers_the_aws_secret_key_and_session_token_with_the_redactor()
    {
        using var logs = new TestLogs();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLEKEYID", ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI-secret-key",
            ["AWS_SESSION_TOKEN"] = "IQoJb3JpZ2luX2VjE-session-token", ["AWS_REGION"] = "eu-west-1",
        };
        RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), name => environment.GetValueOrDefault(name));

        string redacted = logs.Redactor.Redact("key wJalrXUtnFEMI-secret-key token IQoJb3JpZ2luX2VjE-session-token id ASIAEXAMPLEKEYID");
        Assert.Equal($"key {SecretRedactor.Mask} token {SecretRedactor.Mask} id ASIAEXAMPLEKEYID", redacted);
    }

    /// <summary>docs/security.md: "the endpoint in use is logged at init" — an override and the variable that set it, or the regional one.</summary>
    [Theory]
    [InlineData("https://vpce-0abc.secretsmanager.eu-west-1.vpce.amazonaws.com", "AWS_ENDPOINT_URL_SECRETS_MANAGER")]
    [InlineData(null, "(regional)")]
    public void Creating_a_function_that_reads_the_master_secret_logs_the_secrets_manager_endpoint_it_will_use(string? endpoint, string expected)
    {
        using var logs = new TestLogs();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLEKEYID", ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI-secret-key", ["AWS_REGION"] = "eu-west-1",
            ["DB_PASSWORD_SECRET_ARN"] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-1",
        };
        if (endpoint is not null) environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = endpoint;

        RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), name => environment.GetValueOrDefault(name));

        var line = Assert.Single(logs.Lines, l => l.GetProperty("logger").GetString() == "RoleManager.Aws");
        string message = line.GetProperty("message").GetString()!;
        Assert.Contains(expected, message);
        if (endpoint is not null) Assert.Contains(endpoint, message);
        Assert.DoesNotContain("wJalrXUtnFEMI-secret-key", logs.Text);
    }

    [Fact]
    public async Task An_error_payload_that_quotes_a_registered_secret_reaches_the_runtime_api_masked()
    {
        var http = new FakeHttpHandler().ThenEvent("req-1", "\"plan\"").ThenAccepted().ThenStatus(HttpStatusCode.InternalServerError);
        using var logs = new TestLogs();
        logs.Redactor.Register(new Secret("hunter2-master-password"));
        using var client = new RuntimeApiClient("127.0.0.1:9001", http);
        var handler = new Throwing(new ConfigException("the server said: password hunter2-master-password is wrong"));

        await new LambdaLoop(client, handler, logs.Logger, TimeProvider.System, logs.Redactor).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        var error = Assert.Single(http.Requests, r => r.Path.EndsWith("/error", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2-master-password", error.BodyText);
        Assert.Contains(SecretRedactor.Mask, error.BodyText);
    }

    private sealed class Throwing(Exception exception) : IInvocationHandler
    {
        public Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
            Task.FromException<ReadOnlyMemory<byte>>(exception);
    }
}
