using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// The CA bundle loads only the CAs a server's chain names (<see cref="TrustBundle"/>): these tests pin that the
/// shortcut trusts exactly what the whole bundle trusts. A server that sends its intermediate, as RDS does, verifies
/// against the bundle's root alone; an intermediate kept in the bundle is found through the leaf's issuer; and a CA
/// that copies the name of a bundle CA but not its key gets nothing from the likeness. A server of its own: each test
/// switches the certificate it presents (the tests of one class run one at a time).
/// </summary>
public sealed class TlsChainSelectionTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private string _folder = null!;
    private static string RdsBundleFile => Path.Combine(RepositoryRoot.Path, "assets", "rds-ca-bundle.pem");

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        _folder = (await ServerTls.EnableAsync(_server, "role-manager-test-ca", alsoLocalhost: false, RdsBundleFile)).Folder;
        // A root, an intermediate it signed, and a server certificate for 127.0.0.1 the intermediate signed.
        Ca("root", signer: null);
        Ca("intermediate", signer: "root");
        Leaf("leaf", signer: "intermediate");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_server_that_sends_its_intermediate_verifies_against_the_root_alone_and_loads_only_that_root()
    {
        await PresentAsync("leaf", "intermediate");
        string bundle = Bundle("rds-plus-root.pem", "root");

        await using var conn = await Factory(bundle).OpenAsync(CancellationToken.None);

        Assert.True(await PostgresServer.Scalar<bool>(conn, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
        var trust = TrustBundle.For(bundle);
        Assert.Equal(88, trust.Count);
        Assert.Equal(1, trust.LoadedCount);
    }

    [Fact]
    public async Task An_intermediate_kept_in_the_bundle_is_found_through_the_leafs_issuer()
    {
        await PresentAsync("leaf");
        string bundle = Bundle("rds-plus-intermediate-and-root.pem", "intermediate", "root");

        await using var conn = await Factory(bundle).OpenAsync(CancellationToken.None);

        Assert.Equal(System.Data.ConnectionState.Open, conn.State);
        Assert.Equal(2, TrustBundle.For(bundle).LoadedCount);
    }

    [Fact]
    public async Task A_ca_that_copies_a_bundle_cas_name_but_not_its_key_is_refused()
    {
        // Same subject as "root" (same openssl -subj, so the same DER name), another key.
        Ca("forged-root", signer: null, subjectOf: "root");
        Ca("forged-intermediate", signer: "forged-root", subjectOf: "intermediate");
        Leaf("forged-leaf", signer: "forged-intermediate");
        await PresentAsync("forged-leaf", "forged-intermediate");
        string bundle = Bundle("rds-plus-root-for-forgery.pem", "root");

        var error = await Assert.ThrowsAsync<ConnectionException>(() => Factory(bundle).OpenAsync(CancellationToken.None));

        Assert.Contains("TLS", error.Message);
        Assert.DoesNotContain(_server.MasterPassword, error.Message);
        // Sent with the real chain again, the same bundle connects: only the forgery was refused.
        await PresentAsync("leaf", "intermediate");
        await using var conn = await Factory(bundle).OpenAsync(CancellationToken.None);
        Assert.Equal(System.Data.ConnectionState.Open, conn.State);
    }

    private NpgsqlConnectionFactory Factory(string bundle) => new(new ConnectionSettings(
        "127.0.0.1", _server.Port, "postgres", PostgresServer.MasterUser, new Secret(_server.MasterPassword), TlsMode.VerifyFull, bundle,
        TimeSpan.FromSeconds(30)));

    private string Pem(string name) => Path.Combine(_folder, $"{name}.pem");
    private string Key(string name) => Path.Combine(_folder, $"{name}.key");

    private void Ca(string name, string? signer, string? subjectOf = null)
    {
        string subject = $"/CN=role-manager-chain-test-{subjectOf ?? name}";
        string ext = Path.Combine(_folder, $"{name}.ext");
        File.WriteAllText(ext, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        if (signer is null)
        {
            ServerTls.Openssl($"req -x509 -newkey rsa:2048 -nodes -days 2 -subj {subject} -addext basicConstraints=critical,CA:TRUE " +
                              $"-addext keyUsage=critical,keyCertSign,cRLSign -keyout {Key(name)} -out {Pem(name)}");
            return;
        }
        ServerTls.Openssl($"req -newkey rsa:2048 -nodes -subj {subject} -keyout {Key(name)} -out {_folder}/{name}.csr");
        ServerTls.Openssl($"x509 -req -in {_folder}/{name}.csr -CA {Pem(signer)} -CAkey {Key(signer)} -CAcreateserial -days 2 -extfile {ext} -out {Pem(name)}");
    }

    private void Leaf(string name, string signer)
    {
        string ext = Path.Combine(_folder, $"{name}.ext");
        File.WriteAllText(ext, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n");
        ServerTls.Openssl($"req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout {Key(name)} -out {_folder}/{name}.csr");
        ServerTls.Openssl($"x509 -req -in {_folder}/{name}.csr -CA {Pem(signer)} -CAkey {Key(signer)} -CAcreateserial -days 2 -extfile {ext} -out {Pem(name)}");
    }

    /// <summary>The server presents <paramref name="leaf"/> followed by <paramref name="intermediates"/>.</summary>
    private async Task PresentAsync(string leaf, params string[] intermediates)
    {
        string chain = Path.Combine(_folder, $"presented-{leaf}-{intermediates.Length}.pem");
        await File.WriteAllTextAsync(chain, string.Concat(new[] { leaf }.Concat(intermediates).Select(n => File.ReadAllText(Pem(n)))));
        await ServerTls.UseCertificateAsync(_server, chain, Key(leaf));
    }

    /// <summary>The RDS bundle followed by the named CAs, in a file of its own (bundles are cached by path).</summary>
    private string Bundle(string file, params string[] cas)
    {
        string path = Path.Combine(_folder, file);
        File.WriteAllText(path, File.ReadAllText(RdsBundleFile) + "\n" + string.Concat(cas.Select(n => File.ReadAllText(Pem(n)))));
        return path;
    }
}
