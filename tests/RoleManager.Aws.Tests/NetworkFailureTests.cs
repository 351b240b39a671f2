using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using RoleManager.Errors;

namespace RoleManager.Aws.Tests;

public class NetworkFailureTests
{
    private static readonly ImmutableCredentials Credentials = new("AKIDEXAMPLE", "network-secret-key", null);

    [Fact]
    public async Task An_unreachable_endpoint_is_an_AwsException_about_the_network_path()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        using var http = new HttpClient();
        var client = new SecretsManagerClient(http, Credentials, "eu-west-1", new Uri($"http://127.0.0.1:{port}"));

        var error = await Assert.ThrowsAsync<AwsException>(() => client.GetSecretValueAsync("any", CancellationToken.None));

        Assert.StartsWith($"could not reach Secrets Manager at http://127.0.0.1:{port}/ to read secret any", error.Message);
    }

    [Fact]
    public async Task A_silent_endpoint_is_an_AwsException_about_a_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) };
        var client = new SecretsManagerClient(http, Credentials, "eu-west-1", new Uri($"http://127.0.0.1:{port}"));

        var error = await Assert.ThrowsAsync<AwsException>(() => client.GetSecretValueAsync("any", CancellationToken.None));

        Assert.Contains("did not answer in time", error.Message);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_stays_a_cancellation()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var http = new HttpClient();
        var client = new SecretsManagerClient(http, Credentials, "eu-west-1", new Uri($"http://127.0.0.1:{port}"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetSecretValueAsync("any", cancel.Token));
    }
}
