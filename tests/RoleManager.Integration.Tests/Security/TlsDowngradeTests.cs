using RoleManager.Connect;
using RoleManager.Errors;

namespace RoleManager.Integration.Tests.Security;

/// <summary>A server (or a machine in the path) that refuses TLS must get nothing from a mode that requires TLS.</summary>
public class TlsDowngradeTests
{
    private const string Password = "hunter2-master-secret";
    private const string User = "rm_tls_probe_user";

    private static ConnectionSettings Resolve(int port, string sslMode) => ConnectionResolver.Resolve(
        new ConnectionInputs(Host: "127.0.0.1", Port: port, Username: User, Database: "appdb", SslMode: sslMode),
        name => name == "PGPASSWORD" ? Password : null);

    [Theory]
    [InlineData("require")]
    [InlineData("verify-ca")]
    [InlineData("verify-full")]
    public async Task A_mode_that_requires_tls_refuses_a_plaintext_server_before_sending_the_user_or_the_password(string sslMode)
    {
        await using var server = new FakePlaintextServer();
        var factory = new NpgsqlConnectionFactory(Resolve(server.Port, sslMode) with { ConnectTimeout = TimeSpan.FromSeconds(5) });

        var error = await Assert.ThrowsAsync<ConnectionException>(() => factory.OpenAsync(CancellationToken.None));

        string received = await server.ReceivedAsync();
        Assert.False(server.StartupSeen, $"sslmode={sslMode} sent a plaintext startup message");
        Assert.DoesNotContain(Password, received);
        Assert.DoesNotContain(User, received);
        Assert.DoesNotContain(Password, error.Message);
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("prefer")]
    public async Task The_fake_server_does_capture_a_password_from_a_mode_that_allows_plaintext(string sslMode)
    {
        // The control: proves the fake server would have caught a leak in the test above.
        await using var server = new FakePlaintextServer();
        var factory = new NpgsqlConnectionFactory(Resolve(server.Port, sslMode) with { ConnectTimeout = TimeSpan.FromSeconds(5) });

        await Assert.ThrowsAnyAsync<Exception>(() => factory.OpenAsync(CancellationToken.None));

        Assert.True(server.StartupSeen);
        Assert.Contains(Password, await server.ReceivedAsync());
    }
}
