using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// verify-full against a CA bundle (the RDS bundle with a test CA appended, as a deployment's trust store): the
/// connection factory validates the server with a chain policy built once from the bundle. These tests pin what that
/// policy must keep: a certificate that chains to a CA of the bundle and names the host connects; one that chains to
/// no CA of the bundle, or names another host, is refused before the password is sent. A server of its own, so that
/// turning TLS on changes nothing for the other tests.
/// </summary>
public sealed class TlsTrustBundleTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private TlsFiles _tls = null!;

    private string BundleFile => _tls.BundleFile;
    private static string RdsBundleFile => Path.Combine(RepositoryRoot.Path, "assets", "rds-ca-bundle.pem");

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        // The server certificate names 127.0.0.1 only, so "localhost" is another host name for verify-full.
        _tls = await ServerTls.EnableAsync(_server, "role-manager-test-ca", alsoLocalhost: false, RdsBundleFile);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private NpgsqlConnectionFactory Factory(string host, TlsMode mode, string rootCertificate) => new(new ConnectionSettings(
        host, _server.Port, "postgres", PostgresServer.MasterUser, new Secret(_server.MasterPassword), mode, rootCertificate, TimeSpan.FromSeconds(30)));

    [Theory]
    [InlineData(TlsMode.VerifyFull)]
    [InlineData(TlsMode.VerifyCA)]
    public async Task A_server_certificate_from_a_ca_in_the_bundle_connects_encrypted(TlsMode mode)
    {
        await using var conn = await Factory("127.0.0.1", mode, BundleFile).OpenAsync(CancellationToken.None);

        Assert.True(await PostgresServer.Scalar<bool>(conn, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }

    [Fact]
    public async Task A_server_certificate_from_a_ca_outside_the_bundle_is_refused()
    {
        var error = await Assert.ThrowsAsync<ConnectionException>(() => Factory("127.0.0.1", TlsMode.VerifyFull, RdsBundleFile).OpenAsync(CancellationToken.None));

        Assert.Contains("TLS", error.Message);
        Assert.DoesNotContain(_server.MasterPassword, error.Message);
    }

    [Fact]
    public async Task Verify_full_refuses_a_certificate_for_another_host_name_that_verify_ca_accepts()
    {
        await Assert.ThrowsAsync<ConnectionException>(() => Factory("localhost", TlsMode.VerifyFull, BundleFile).OpenAsync(CancellationToken.None));

        await using var conn = await Factory("localhost", TlsMode.VerifyCA, BundleFile).OpenAsync(CancellationToken.None);
        Assert.Equal(System.Data.ConnectionState.Open, conn.State);
    }

    [Fact]
    public async Task A_bundle_that_cannot_be_read_is_a_connection_error_that_names_the_file()
    {
        string garbage = Path.Combine(_tls.Folder, "not-a-bundle.pem");
        await File.WriteAllTextAsync(garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

        var error = await Assert.ThrowsAsync<ConnectionException>(() => Factory("127.0.0.1", TlsMode.VerifyFull, garbage).OpenAsync(CancellationToken.None));

        Assert.Contains(garbage, error.Message);
    }
}
