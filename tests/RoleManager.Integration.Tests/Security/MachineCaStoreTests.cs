using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// The CLI reads the machine's CA store only for what needs it (Connect/MachineTrust.cs): a database verified against a
/// CA bundle never loads it (~50 ms of every run), and the AWS calls still trust exactly the machine's CAs.
/// </summary>
public sealed class MachineCaStoreTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private TlsFiles _tls = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        _tls = await ServerTls.EnableAsync(_server, "role-manager-machine-store-test-ca", alsoLocalhost: false);
        _folder = Directory.CreateTempSubdirectory("rm-machine-store-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private Dictionary<string, string?> Variables(string certFile, string certDirectory) => new()
    {
        ["PGHOST"] = "127.0.0.1", ["PGPORT"] = _server.Port.ToString(), ["PGDATABASE"] = "postgres",
        // OpenSSL's variables stand in for the machine's store: the CLI's whole notion of "the machine's CAs".
        ["SSL_CERT_FILE"] = certFile, ["SSL_CERT_DIR"] = certDirectory,
    };

    [Fact]
    public async Task A_run_verified_against_a_ca_bundle_never_reads_the_machines_ca_store()
    {
        // A store of one file whose access time is in the past; reading it moves the time (relatime: the access time
        // is updated when it is older than the change time).
        string store = Directory.CreateDirectory(Path.Combine(_folder, "store")).FullName;
        string caInStore = Path.Combine(store, "0a1b2c3d.0");
        File.Copy(_tls.CaFile, caInStore);
        var past = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastAccessTimeUtc(caInStore, past);
        // The control: this file system records reads at all.
        string control = Path.Combine(_folder, "control.pem");
        File.Copy(_tls.CaFile, control);
        File.SetLastAccessTimeUtc(control, past);
        _ = await File.ReadAllBytesAsync(control);
        Assert.True(File.GetLastAccessTimeUtc(control) > past, "this file system does not record reads (noatime): the test cannot see a read");

        var env = Variables(Path.Combine(_folder, "no-such-file.pem"), store);
        env["PGUSER"] = PostgresServer.MasterUser;
        env["PGPASSWORD"] = _server.MasterPassword;
        env["PGSSLROOTCERT"] = _tls.CaFile;
        var run = await CliRunner.RunAsync(env, "plan", "--auth", "none");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(past, File.GetLastAccessTimeUtc(caInStore));
    }

    [Fact]
    public async Task Sslrootcert_system_trusts_the_machines_ca_store()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;
        var env = Variables(_tls.CaFile, empty);
        env["PGUSER"] = PostgresServer.MasterUser;
        env["PGPASSWORD"] = _server.MasterPassword;

        var trusted = await CliRunner.RunAsync(env, "plan", "--auth", "none", "--sslrootcert", "system");
        Assert.True(trusted.ExitCode == 0, trusted.All);

        env["SSL_CERT_FILE"] = Path.Combine(RepositoryRoot.Path, "assets", "rds-ca-bundle.pem");
        var refused = await CliRunner.RunAsync(env, "plan", "--auth", "none", "--sslrootcert", "system");
        Assert.True(refused.ExitCode == 1, refused.All);
        Assert.Contains("the machine's CA store", refused.StdErr);
    }

    [Fact]
    public async Task The_master_secret_is_read_over_tls_trusting_the_machines_ca_store_and_only_it()
    {
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(_tls.Folder, "server.crt"), Path.Combine(_tls.Folder, "server.key"));
        using var secretsManager = new TlsSecretsManager(certificate, PostgresServer.MasterUser, _server.MasterPassword);
        string empty = Directory.CreateDirectory(Path.Combine(_folder, "empty-dir")).FullName;
        var env = Variables(_tls.CaFile, empty);
        env["PGSSLROOTCERT"] = _tls.CaFile;
        env["DB_PASSWORD_SECRET_ARN"] = "role-manager/master";
        env["AWS_REGION"] = "us-east-1";
        env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        env["AWS_SECRET_ACCESS_KEY"] = "not-a-real-secret-key";
        env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = secretsManager.Endpoint;

        var trusted = await CliRunner.RunAsync(env, "plan", "--auth", "none");
        Assert.True(trusted.ExitCode == 0, trusted.All);
        Assert.True(secretsManager.Answered > 0);

        // The machine's store without the CA that signed the endpoint's certificate: the call is refused.
        env["SSL_CERT_FILE"] = Path.Combine(RepositoryRoot.Path, "assets", "rds-ca-bundle.pem");
        var refused = await CliRunner.RunAsync(env, "plan", "--auth", "none");
        Assert.True(refused.ExitCode == 1, refused.All);
        Assert.Contains("Secrets Manager", refused.StdErr);
        Assert.DoesNotContain(_server.MasterPassword, refused.All);
    }

    /// <summary>GetSecretValue over TLS on loopback: one answer, the master's credentials, for every request.</summary>
    private sealed class TlsSecretsManager : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;
        private readonly byte[] _answer;
        private int _answered;

        public TlsSecretsManager(X509Certificate2 certificate, string username, string password)
        {
            _certificate = certificate;
            string secret = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = username, ["password"] = password });
            string body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["ARN"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:role-manager/master-AbCdEf",
                ["Name"] = "role-manager/master", ["VersionId"] = "v1", ["SecretString"] = secret,
            });
            _answer = Encoding.UTF8.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");
            _listener.Start();
            Endpoint = $"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public int Answered => Volatile.Read(ref _answered);

        public void Dispose() => _listener.Stop();

        private async Task ServeAsync()
        {
            while (true)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
                _ = Task.Run(() => AnswerAsync(client));
            }
        }

        private async Task AnswerAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    await using var tls = new SslStream(client.GetStream());
                    await tls.AuthenticateAsServerAsync(_certificate);
                    var request = new StringBuilder();
                    var buffer = new byte[8192];
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        int read = await tls.ReadAsync(buffer);
                        if (read == 0) return;
                        request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }
                    await tls.WriteAsync(_answer);
                    Interlocked.Increment(ref _answered);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                {
                    // A client that refused the certificate hangs up in the handshake.
                }
            }
        }
    }
}
