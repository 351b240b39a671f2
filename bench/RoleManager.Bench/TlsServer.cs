using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// Turns TLS on in the throwaway server once, as on RDS (<see cref="ServerTls"/>: a test CA, a server certificate for
/// 127.0.0.1 and localhost, <c>ssl = on</c> by a reload). Logins stay SCRAM-SHA-256 (the fixture's pg_hba).
/// <see cref="CaFile"/> holds the CA alone, <see cref="BundleFile"/> the RDS bundle shipped with the function
/// (87 certificates) followed by the CA, as a deployment's trust store would be.
/// </summary>
internal sealed class TlsServer(PostgresServer server, string repository)
{
    private TlsFiles? _files;

    public string CaFile => Files.CaFile;
    public string BundleFile => Files.BundleFile;
    private TlsFiles Files => _files ?? throw new InvalidOperationException("TLS is not on yet: call EnableAsync first.");

    public async Task EnableAsync() =>
        _files ??= await ServerTls.EnableAsync(server, "role-manager-bench-ca", alsoLocalhost: true, Path.Combine(repository, "assets", "rds-ca-bundle.pem"));
}
