using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RoleManager.Connect;
using RoleManager.Errors;
using Xunit.Abstractions;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// Attacks on the CA-bundle validation (<see cref="TrustBundle"/> behind Npgsql's Require mode): servers that present
/// what verify-full / verify-ca must refuse (forged, expired, mis-constrained or mis-named certificates, a plaintext
/// answer, junk in the chain), servers they must accept despite noise, bundles that cannot be read, and many logins at
/// once against one cached bundle. A refusal is a <see cref="ConnectionException"/> that says TLS and never holds the
/// password; an acceptance is an encrypted session. Certificates are made in-process (ECDSA P-256) so that dates,
/// extensions and encodings can be anything. A server of its own: each test switches the certificate it presents and
/// checks with a raw handshake that the server really presents it (the tests of one class run one at a time, so they
/// share one server: <see cref="SharedServer"/>; each test issues its own CAs and writes files of its own).
/// </summary>
public sealed class TlsAttackTests(TlsAttackTests.SharedServer shared, ITestOutputHelper output) : IClassFixture<TlsAttackTests.SharedServer>, IAsyncLifetime
{
    /// <summary>The PostgreSQL server (TLS on) the tests of this class take turns with.</summary>
    public sealed class SharedServer : IAsyncLifetime
    {
        private int _files;
        public PostgresServer Server { get; private set; } = null!;
        public string Folder { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
            Folder = (await ServerTls.EnableAsync(Server, "role-manager-attack-test-ca", alsoLocalhost: false, RdsBundleFile)).Folder;
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();

        /// <summary>A new file name in the server's folder (bundles are cached by path, so never reuse one).</summary>
        public string NewFile(string name) => Path.Combine(Folder, $"attack-{Interlocked.Increment(ref _files)}-{name}");
    }

    private readonly ITestOutputHelper _output = output;
    private PostgresServer _server = null!;
    private string _folder = null!;
    private static string RdsBundleFile => Path.Combine(RepositoryRoot.Path, "assets", "rds-ca-bundle.pem");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private Issued _root = null!, _intermediate = null!, _leaf = null!;

    public Task InitializeAsync()
    {
        (_server, _folder) = (shared.Server, shared.Folder);
        _root = Issue("CN=role-manager-attack-root, O=RoleManager Tests", signer: null, Ca());
        _intermediate = Issue("CN=role-manager-attack-intermediate, O=RoleManager Tests", _root, Ca());
        _leaf = Issue("CN=127.0.0.1", _intermediate, Leaf());
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // ---------------------------------------------------------------- controls

    [Theory]
    [InlineData(TlsMode.VerifyFull)]
    [InlineData(TlsMode.VerifyCA)]
    public async Task Control_the_real_chain_is_accepted_encrypted(TlsMode mode)
    {
        await PresentAsync(_leaf, _intermediate);
        await AcceptedAsync(Bundle(_root), mode);
    }

    // ---------------------------------------------------------------- impersonation

    [Theory]
    [InlineData(TlsMode.VerifyFull)]
    [InlineData(TlsMode.VerifyCA)]
    public async Task A_self_signed_leaf_that_copies_a_bundle_cas_name_and_key_id_is_refused(TlsMode mode)
    {
        var rootSki = _root.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        var fake = Issue(_root.Certificate.SubjectName, signer: null, request =>
        {
            Leaf()(request);
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootSki.SubjectKeyIdentifier!, false));
        }, ownKeyId: false);
        Assert.Equal(_root.Certificate.SubjectName.RawData, fake.Certificate.SubjectName.RawData);
        await PresentAsync(fake);

        await RefusedAsync(Bundle(_root), mode);
    }

    [Fact]
    public async Task A_forged_chain_padded_with_the_real_public_ca_certificates_is_refused()
    {
        // Anyone can send the real CA certificates; they must only ever be intermediates, never make a forgery trusted.
        var forgedRoot = Issue(_root.Certificate.SubjectName, signer: null, Ca());
        var forgedIntermediate = Issue(_intermediate.Certificate.SubjectName, forgedRoot, Ca());
        var forgedLeaf = Issue("CN=127.0.0.1", forgedIntermediate, Leaf());
        await PresentAsync(forgedLeaf, forgedIntermediate, _intermediate, _root, forgedRoot);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
        await RefusedAsync(Bundle(_root, _intermediate), TlsMode.VerifyCA);
    }

    [Fact]
    public async Task A_leaf_signed_by_another_leaf_of_the_trusted_ca_is_refused()
    {
        // A customer of the same CA holds a genuine leaf and its key; a leaf is not a CA (basicConstraints CA:FALSE).
        var customer = Issue("CN=customer.example", _intermediate, Leaf(dns: "customer.example", ip: null));
        var impostor = Issue("CN=127.0.0.1", customer, Leaf());
        await PresentAsync(impostor, customer, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task A_leaf_signed_by_a_certificate_without_basic_constraints_is_refused()
    {
        var noConstraints = Issue("CN=role-manager-attack-no-bc", _intermediate, request =>
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true)));
        var impostor = Issue("CN=127.0.0.1", noConstraints, Leaf());
        await PresentAsync(impostor, noConstraints, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task A_leaf_signed_by_a_ca_whose_key_usage_forbids_signing_certificates_is_refused()
    {
        var noCertSign = Issue("CN=role-manager-attack-no-certsign", _root, Ca(usage: X509KeyUsageFlags.DigitalSignature));
        var impostor = Issue("CN=127.0.0.1", noCertSign, Leaf());
        await PresentAsync(impostor, noCertSign);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task A_chain_longer_than_the_roots_path_length_allows_is_refused()
    {
        var root0 = Issue("CN=role-manager-attack-pathlen0-root", signer: null, Ca(pathLength: 0));
        var sub = Issue("CN=role-manager-attack-pathlen0-sub", root0, Ca());
        var leaf = Issue("CN=127.0.0.1", sub, Leaf());
        await PresentAsync(leaf, sub);

        await RefusedAsync(Bundle(root0), TlsMode.VerifyFull);
    }

    // ---------------------------------------------------------------- noise a real server may send

    [Fact]
    public async Task Junk_certificates_after_the_real_chain_do_not_stop_it_from_verifying()
    {
        var junk = Issue("CN=role-manager-attack-junk", signer: null, Ca());
        var lookalikeRoot = Issue(_root.Certificate.SubjectName, signer: null, Ca()); // the root's name, another key
        var unrelatedLeaf = Issue("CN=127.0.0.1", junk, Leaf());
        await PresentAsync(_leaf, _intermediate, junk, lookalikeRoot, unrelatedLeaf, _root);

        await AcceptedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task A_bundle_with_comments_other_pem_blocks_and_duplicates_still_verifies()
    {
        string path = NewFile("noisy-bundle.pem");
        using var someKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(path,
            "# a comment line, as curl's cacert.pem has\nAmazon RDS eu-west-1 Root CA\n" +
            someKey.ExportPkcs8PrivateKeyPem() + "\n" +
            PemEncoding.WriteString("X509 CRL", RandomNumberGenerator.GetBytes(64)) + "\n" +
            PemEncoding.WriteString("TRUSTED CERTIFICATE", _root.Certificate.RawData) + "\n" +
            await File.ReadAllTextAsync(RdsBundleFile) + "\n" + _root.Pem + _root.Pem + "\n");
        await PresentAsync(_leaf, _intermediate);

        await AcceptedAsync(path, TlsMode.VerifyFull);
    }

    // ---------------------------------------------------------------- validity periods

    [Fact]
    public async Task An_expired_leaf_is_refused()
    {
        var expired = Issue("CN=127.0.0.1", _intermediate, Leaf(), Now.AddDays(-10), Now.AddDays(-1));
        await PresentAsync(expired, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
        await RefusedAsync(Bundle(_root), TlsMode.VerifyCA);
    }

    [Fact]
    public async Task A_leaf_not_yet_valid_is_refused()
    {
        var future = Issue("CN=127.0.0.1", _intermediate, Leaf(), Now.AddDays(1), Now.AddDays(10));
        await PresentAsync(future, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task An_expired_intermediate_is_refused()
    {
        var expired = Issue(_intermediate.Certificate.SubjectName, _root, Ca(), Now.AddDays(-10), Now.AddDays(-1), key: _intermediate.Key);
        await PresentAsync(_leaf, expired);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task An_expired_root_in_the_bundle_is_refused_and_its_renewal_beside_it_is_accepted()
    {
        // The same name and key, re-issued: as a CA renews its root (and bundles carry both for a while).
        var expiredRoot = Issue(_root.Certificate.SubjectName, signer: null, Ca(), Now.AddDays(-10), Now.AddDays(-1), key: _root.Key);
        await PresentAsync(_leaf, _intermediate);

        await RefusedAsync(Bundle(expiredRoot), TlsMode.VerifyFull);
        await AcceptedAsync(Bundle(expiredRoot, _root), TlsMode.VerifyFull);
        await AcceptedAsync(Bundle(_root, expiredRoot), TlsMode.VerifyFull);
    }

    // ---------------------------------------------------------------- the leaf's purpose

    [Fact]
    public async Task A_leaf_whose_extended_key_usage_excludes_server_authentication_is_refused()
    {
        // libpq (OpenSSL's "sslserver" purpose) and SslStream's default validation both refuse a certificate whose
        // extendedKeyUsage lists only clientAuth: it was issued to identify a client, not a server.
        var clientOnly = Issue("CN=127.0.0.1", _intermediate, Leaf(eku: "1.3.6.1.5.5.7.3.2"));
        await PresentAsync(clientOnly, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task A_client_certificate_from_a_bundle_ca_cannot_impersonate_the_server_under_verify_ca()
    {
        // The likelier attack: a CA that issues client certificates (CN=alice, clientAuth) to people who log in with
        // them; under verify-ca the name is not checked, so only the purpose keeps alice from posing as the server.
        var alice = Issue("CN=alice", _intermediate, Leaf(ip: null, dns: "alice.example", eku: "1.3.6.1.5.5.7.3.2"));
        await PresentAsync(alice, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyCA);
    }

    [Fact]
    public async Task A_leaf_without_extended_key_usage_is_accepted_as_libpq_accepts_it()
    {
        var anyPurpose = Issue("CN=127.0.0.1", _intermediate, Leaf(eku: null));
        await PresentAsync(anyPurpose, _intermediate);

        await AcceptedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task A_leaf_marked_ca_true_is_accepted_as_libpq_accepts_it()
    {
        var caLeaf = Issue("CN=127.0.0.1", _intermediate, request =>
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        });
        await PresentAsync(caLeaf, _intermediate);

        await AcceptedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task A_self_signed_server_certificate_pinned_in_the_bundle_is_accepted()
    {
        // A local database whose sslrootcert is its own self-signed certificate, as libpq allows.
        var pinned = Issue("CN=127.0.0.1", signer: null, Leaf());
        await PresentAsync(pinned);

        await AcceptedAsync(Bundle(pinned), TlsMode.VerifyFull);
    }

    // ---------------------------------------------------------------- host names

    [Fact]
    public async Task A_certificate_for_a_dns_name_only_is_refused_for_an_ip_under_verify_full_and_accepted_under_verify_ca()
    {
        var dnsOnly = Issue("CN=localhost", _intermediate, Leaf(dns: "localhost", ip: null));
        await PresentAsync(dnsOnly, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
        await AcceptedAsync(Bundle(_root), TlsMode.VerifyCA);
    }

    [Fact]
    public async Task A_certificate_for_another_ip_is_refused_under_verify_full()
    {
        var otherIp = Issue("CN=127.0.0.2", _intermediate, Leaf(ip: "127.0.0.2"));
        await PresentAsync(otherIp, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*.0.0.1")]
    [InlineData("*.*.*.1")]
    public async Task A_wildcard_certificate_does_not_match_an_ip_address(string wildcard)
    {
        var star = Issue("CN=wildcard", _intermediate, Leaf(dns: wildcard, ip: null));
        await PresentAsync(star, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull);
    }

    [Fact]
    public async Task A_bare_star_certificate_does_not_match_localhost()
    {
        var star = Issue("CN=*", _intermediate, Leaf(dns: "*", ip: null));
        await PresentAsync(star, _intermediate);

        await RefusedAsync(Bundle(_root), TlsMode.VerifyFull, host: "localhost");
    }

    // ---------------------------------------------------------------- the callback itself (no certificate at all)

    [Fact]
    public void The_validation_refuses_a_handshake_without_a_certificate_and_a_name_mismatch_under_verify_full()
    {
        var bundle = TrustBundle.For(Bundle(_root));
        using var leafDirect = Issue("CN=127.0.0.1", _root, Leaf()).Certificate;

        Assert.False(bundle.Validate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, verifyHostName: true));
        Assert.False(bundle.Validate(null, null, SslPolicyErrors.None, verifyHostName: false));
        Assert.False(bundle.Validate(leafDirect, null, SslPolicyErrors.RemoteCertificateNotAvailable, verifyHostName: false));
        Assert.False(bundle.Validate(leafDirect, null, SslPolicyErrors.RemoteCertificateNameMismatch, verifyHostName: true));
        // The controls: the same leaf with no chain from the handshake verifies; verify-ca ignores the name.
        Assert.True(bundle.Validate(leafDirect, null, SslPolicyErrors.RemoteCertificateChainErrors, verifyHostName: true));
        Assert.True(bundle.Validate(leafDirect, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors, verifyHostName: false));
        // A leaf that the intermediate signed, without the intermediate: nothing to chain through.
        Assert.False(bundle.Validate(_leaf.Certificate, null, SslPolicyErrors.RemoteCertificateChainErrors, verifyHostName: true));
    }

    // ---------------------------------------------------------------- servers that are not TLS servers

    [Theory]
    [InlineData(TlsMode.VerifyFull)]
    [InlineData(TlsMode.VerifyCA)]
    public async Task A_plaintext_server_is_refused_with_a_bundle_before_the_user_or_password_is_sent(TlsMode mode)
    {
        // TlsDowngradeTests resolve their settings without a bundle beside the test program, so they take Npgsql's own
        // verify modes; this is the same attack on the Require + callback path a bundle takes.
        await using var fake = new FakePlaintextServer();
        var factory = Factory(Bundle(_root), mode, port: fake.Port, timeout: TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<ConnectionException>(() => factory.OpenAsync(CancellationToken.None));

        string received = await fake.ReceivedAsync();
        Assert.False(fake.StartupSeen, $"{mode} with a bundle sent a plaintext startup message");
        Assert.DoesNotContain(_server.MasterPassword, received);
        Assert.DoesNotContain(PostgresServer.MasterUser, received);
        Assert.DoesNotContain(_server.MasterPassword, error.ToString());
    }

    [Fact]
    public async Task A_server_that_says_S_and_goes_on_in_plaintext_is_refused()
    {
        // 'S' then, instead of a ServerHello, an unencrypted AuthenticationCleartextPassword request.
        await using var fake = new FakeSslServer(stall: false);
        var factory = Factory(Bundle(_root), TlsMode.VerifyFull, port: fake.Port, timeout: TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<ConnectionException>(() => factory.OpenAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("TLS", error.Message);
        Assert.DoesNotContain(_server.MasterPassword, error.ToString());
        Assert.DoesNotContain(_server.MasterPassword, fake.Received);
    }

    [Fact]
    public async Task A_server_that_says_S_and_then_stalls_the_handshake_fails_within_the_connect_timeout()
    {
        // A machine in the path (or a hung server) that accepts SSLRequest and never sends a ServerHello. The connect
        // timeout is 5 s; without a bound the open waits forever (the check's parallel logins, a CLI run, a Lambda
        // until its own timeout).
        await using var fake = new FakeSslServer(stall: true);
        var factory = Factory(Bundle(_root), TlsMode.VerifyFull, port: fake.Port, timeout: TimeSpan.FromSeconds(5));
        var open = factory.OpenAsync(CancellationToken.None);

        var finished = await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.True(finished == open, "the open still waits 30 s after its 5 s connect timeout, in the TLS handshake");
        var error = await Assert.ThrowsAsync<ConnectionException>(() => open);
        Assert.DoesNotContain(_server.MasterPassword, error.ToString());
    }

    /// <summary>
    /// A loopback "server" that answers SSLRequest with 'S' and then either stalls (reads and never answers) or writes an
    /// unencrypted authentication request instead of a ServerHello. Disposing it hangs up, which frees a stalled client.
    /// </summary>
    private sealed class FakeSslServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serving;
        private readonly CancellationTokenSource _stop = new();
        private readonly MemoryStream _received = new();

        public FakeSslServer(bool stall)
        {
            _listener.Start();
            _serving = ServeAsync(stall);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string Received { get { lock (_received) return System.Text.Encoding.Latin1.GetString(_received.ToArray()); } }

        private async Task ServeAsync(bool stall)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                await stream.ReadExactlyAsync(new byte[8], _stop.Token);
                await stream.WriteAsync("S"u8.ToArray(), _stop.Token);
                var buffer = new byte[4096];
                int n = await stream.ReadAsync(buffer, _stop.Token); // the ClientHello
                lock (_received) _received.Write(buffer, 0, n);
                if (!stall) await stream.WriteAsync(new byte[] { (byte)'R', 0, 0, 0, 8, 0, 0, 0, 3 }, _stop.Token);
                while ((n = await stream.ReadAsync(buffer, _stop.Token)) > 0)
                    lock (_received) _received.Write(buffer, 0, n);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await Task.WhenAny(_serving, Task.Delay(TimeSpan.FromSeconds(5)));
            _stop.Dispose();
        }
    }

    // ---------------------------------------------------------------- bundles that cannot be read

    [Fact]
    public async Task An_empty_missing_or_directory_bundle_is_a_connection_error_that_names_it()
    {
        string empty = NewFile("empty.pem");
        await File.WriteAllTextAsync(empty, "");
        string missing = NewFile("missing.pem");
        string directory = NewFile("a-directory.pem");
        Directory.CreateDirectory(directory);
        string keysOnly = NewFile("keys-only.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            await File.WriteAllTextAsync(keysOnly, key.ExportPkcs8PrivateKeyPem() + PemEncoding.WriteString("TRUSTED CERTIFICATE", _root.Certificate.RawData));
        string notDer = NewFile("not-der.pem");
        await File.WriteAllTextAsync(notDer, PemEncoding.WriteString("CERTIFICATE", RandomNumberGenerator.GetBytes(300)));
        await PresentAsync(_leaf, _intermediate);

        foreach (string path in new[] { empty, missing, directory, keysOnly, notDer })
        {
            var error = await Assert.ThrowsAsync<ConnectionException>(() => Factory(path, TlsMode.VerifyFull).OpenAsync(CancellationToken.None));
            Assert.Contains(path, error.Message);
            Assert.DoesNotContain(_server.MasterPassword, error.ToString());
        }
    }

    [Fact]
    public async Task A_bundle_certificate_whose_names_parse_but_that_is_not_a_certificate_is_a_connection_error_that_names_the_bundle()
    {
        // The index reads only the names of a CERTIFICATE block; the rest of it is read when the CA is loaded, during a
        // handshake. A block with the root's name whose signature is no BIT STRING: before TrustBundle the whole
        // bundle was parsed up front and this was "Cannot read the CA bundle <path>".
        string path = NewFile("corrupt-ca.pem");
        await File.WriteAllTextAsync(path, PemEncoding.WriteString("CERTIFICATE", BreakSignature(_root.Certificate.RawData)) + "\n" + _root.Pem);
        Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadCertificate(BreakSignature(_root.Certificate.RawData)));
        await PresentAsync(_leaf, _intermediate);

        var error = await Assert.ThrowsAsync<ConnectionException>(() => Factory(path, TlsMode.VerifyFull).OpenAsync(CancellationToken.None));

        Assert.DoesNotContain(_server.MasterPassword, error.ToString());
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task A_bundle_ca_in_a_non_minimal_length_encoding_is_trusted_or_a_connection_error_that_names_the_bundle()
    {
        // OpenSSL (libpq) reads a certificate whose outer length is not in DER's minimal form (the signed part is
        // unchanged). The index reads names as strict DER and refuses the bundle, as .NET's PEM import did before
        // TrustBundle; either verdict is acceptable, an internal error or a silent mistrust of the other CAs is not.
        byte[] lax = LongFormOuterLength(_root.Certificate.RawData);
        string path = NewFile("lax-der.pem");
        await File.WriteAllTextAsync(path, await File.ReadAllTextAsync(RdsBundleFile) + "\n" + PemEncoding.WriteString("CERTIFICATE", lax) + "\n");
        await PresentAsync(_leaf, _intermediate);

        try
        {
            await AcceptedAsync(path, TlsMode.VerifyFull);
            _output.WriteLine("a non-minimal DER CA in the bundle: trusted");
        }
        catch (ConnectionException error)
        {
            _output.WriteLine($"a non-minimal DER CA in the bundle: {error.Message}");
            Assert.Contains(path, error.Message);
            Assert.DoesNotContain(_server.MasterPassword, error.ToString());
        }
    }

    [Fact]
    public async Task A_bundle_with_the_intermediate_but_not_the_root_behaves_as_the_whole_bundle_did()
    {
        // What X509Chain does with a non-self-signed custom root is its own rule; the name-indexed shortcut must reach
        // the same verdict as building against every CA of the bundle (the pre-TrustBundle behaviour).
        await PresentAsync(_leaf);
        string path = Bundle(_intermediate);
        var bundle = TrustBundle.For(path);
        bool wholeBundle = BuildAgainst(_leaf.Certificate, AllCertificates(path));

        bool shortcut = bundle.Validate(_leaf.Certificate, null, SslPolicyErrors.RemoteCertificateChainErrors, verifyHostName: true);

        Assert.Equal(wholeBundle, shortcut);
        _output.WriteLine($"intermediate-only bundle: {(shortcut ? "accepted" : "refused")}");
        if (wholeBundle) await AcceptedAsync(path, TlsMode.VerifyFull);
        else await RefusedAsync(path, TlsMode.VerifyFull);
    }

    // ---------------------------------------------------------------- many logins at once

    [Fact]
    public async Task Many_parallel_logins_against_one_cached_bundle_each_get_the_right_verdict()
    {
        await PresentAsync(_leaf, _intermediate);
        string trusting = Bundle(_root), distrusting = NewFile("rds-only.pem");
        File.Copy(RdsBundleFile, distrusting);

        var attempts = Enumerable.Range(0, 48).Select(async i =>
        {
            bool shouldConnect = i % 2 == 0;
            await Task.Yield();
            try
            {
                await using var conn = await Factory(shouldConnect ? trusting : distrusting, i % 3 == 0 ? TlsMode.VerifyCA : TlsMode.VerifyFull)
                    .OpenAsync(CancellationToken.None);
                bool ssl = await PostgresServer.Scalar<bool>(conn, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
                return (shouldConnect, outcome: ssl ? "encrypted" : "plaintext");
            }
            catch (ConnectionException e)
            {
                return (shouldConnect, outcome: e.Message.Contains("TLS") && !e.ToString().Contains(_server.MasterPassword) ? "refused" : "bad error: " + e.Message);
            }
        }).ToList();
        var results = await Task.WhenAll(attempts);

        Assert.All(results, r => Assert.Equal(r.shouldConnect ? "encrypted" : "refused", r.outcome));
        Assert.Equal(1, TrustBundle.For(trusting).LoadedCount);
    }

    // ================================================================ helpers

    private sealed record Issued(X509Certificate2 Certificate, ECDsa Key)
    {
        public string Pem => Certificate.ExportCertificatePem() + "\n";
    }

    private NpgsqlConnectionFactory Factory(string bundle, TlsMode mode, string host = "127.0.0.1", int? port = null, TimeSpan? timeout = null) =>
        new(new ConnectionSettings(host, port ?? _server.Port, "postgres", PostgresServer.MasterUser, new Secret(_server.MasterPassword), mode, bundle,
            timeout ?? TimeSpan.FromSeconds(30)));

    private async Task AcceptedAsync(string bundle, TlsMode mode, string host = "127.0.0.1")
    {
        await using var conn = await Factory(bundle, mode, host).OpenAsync(CancellationToken.None);
        Assert.True(await PostgresServer.Scalar<bool>(conn, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }

    private async Task RefusedAsync(string bundle, TlsMode mode, string host = "127.0.0.1")
    {
        var error = await Assert.ThrowsAsync<ConnectionException>(() => Factory(bundle, mode, host).OpenAsync(CancellationToken.None));
        Assert.Contains("TLS", error.Message);
        Assert.DoesNotContain(_server.MasterPassword, error.ToString());
    }

    private string NewFile(string name) => shared.NewFile(name);

    /// <summary>The RDS bundle followed by <paramref name="cas"/>, in a new file (bundles are cached by path).</summary>
    private string Bundle(params Issued[] cas)
    {
        string path = NewFile("bundle.pem");
        File.WriteAllText(path, File.ReadAllText(RdsBundleFile) + "\n" + string.Concat(cas.Select(c => c.Pem)));
        return path;
    }

    /// <summary>The server presents <paramref name="leaf"/> then <paramref name="chain"/>; a raw handshake confirms it.</summary>
    private async Task PresentAsync(Issued leaf, params Issued[] chain)
    {
        string certificate = NewFile("presented.pem"), key = NewFile("presented.key");
        await File.WriteAllTextAsync(certificate, leaf.Pem + string.Concat(chain.Select(c => c.Pem)));
        await File.WriteAllTextAsync(key, leaf.Key.ExportPkcs8PrivateKeyPem() + "\n");
        await ServerTls.UseCertificateAsync(_server, certificate, key);
        Assert.Equal(leaf.Certificate.Thumbprint, await PresentedLeafThumbprintAsync());
    }

    private async Task<string> PresentedLeafThumbprintAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
        var stream = tcp.GetStream();
        byte[] request = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(request, 8);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), 80877103);
        await stream.WriteAsync(request);
        byte[] answer = new byte[1];
        await stream.ReadExactlyAsync(answer);
        Assert.Equal((byte)'S', answer[0]);
        string? thumbprint = null;
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            CertificateChainPolicy = TrustBundle.HandshakePolicy(),
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                thumbprint = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).Thumbprint;
                return true;
            },
        });
        return thumbprint ?? "(none)";
    }

    private static Action<CertificateRequest> Ca(int? pathLength = null, X509KeyUsageFlags usage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign) => request =>
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength is not null, pathLength ?? 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
    };

    private static Action<CertificateRequest> Leaf(string? ip = "127.0.0.1", string? dns = null, string? eku = "1.3.6.1.5.5.7.3.1") => request =>
    {
        var names = new SubjectAlternativeNameBuilder();
        if (ip is not null) names.AddIpAddress(IPAddress.Parse(ip));
        if (dns is not null) names.AddDnsName(dns);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (eku is not null) request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
    };

    /// <summary>A certificate for <paramref name="subject"/>, self-signed or signed by <paramref name="signer"/> (no checks of the signer).</summary>
    private static Issued Issue(string subject, Issued? signer, Action<CertificateRequest> extensions,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, ECDsa? key = null, bool ownKeyId = true) =>
        Issue(new X500DistinguishedName(subject), signer, extensions, notBefore, notAfter, key, ownKeyId);

    private static Issued Issue(X500DistinguishedName subject, Issued? signer, Action<CertificateRequest> extensions,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, ECDsa? key = null, bool ownKeyId = true)
    {
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        extensions(request);
        if (ownKeyId) request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (signer is not null)
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(signer.Certificate, true, false));
        var from = notBefore ?? Now.AddDays(-1);
        var to = notAfter ?? Now.AddDays(2);
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var made = signer is null
            ? request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), from, to, serial)
            : request.Create(signer.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(signer.Key), from, to, serial);
        return new Issued(X509CertificateLoader.LoadCertificate(made.RawData), key);
    }

    /// <summary>The certificate with its signature value re-tagged as an OCTET STRING: names intact, no longer X.509.</summary>
    private static byte[] BreakSignature(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue();
        var algorithm = outer.ReadEncodedValue();
        var signature = outer.ReadBitString(out _);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs.Span);
            writer.WriteEncodedValue(algorithm.Span);
            writer.WriteOctetString(signature);
        }
        return writer.Encode();
    }

    /// <summary>The certificate with its outer SEQUENCE length written in four bytes instead of the minimal form.</summary>
    private static byte[] LongFormOuterLength(byte[] der)
    {
        int contentLength = der.Length - HeaderLength(der);
        byte[] result = new byte[2 + 4 + contentLength];
        result[0] = 0x30;
        result[1] = 0x84;
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(2), contentLength);
        der.AsSpan(HeaderLength(der)).CopyTo(result.AsSpan(6));
        return result;

        static int HeaderLength(byte[] d) => d[1] < 0x80 ? 2 : 2 + (d[1] & 0x7f);
    }

    private static X509Certificate2Collection AllCertificates(string path)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(path);
        return all;
    }

    private static bool BuildAgainst(X509Certificate2 leaf, X509Certificate2Collection cas)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy = TrustBundle.HandshakePolicy();
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        chain.ChainPolicy.ExtraStore.AddRange(cas);
        return chain.Build(leaf);
    }
}
