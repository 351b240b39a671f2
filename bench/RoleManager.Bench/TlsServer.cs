using System.Diagnostics;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// Turns TLS on in the throwaway server, as on RDS: a self-signed CA and a server certificate for 127.0.0.1 made
/// with openssl in the server's folder, <c>ssl = on</c> by ALTER SYSTEM and a reload (no restart). Logins stay
/// SCRAM-SHA-256 (the fixture's pg_hba). <see cref="CaFile"/> holds the CA alone, <see cref="BundleFile"/> the RDS
/// bundle shipped with the function (87 certificates) followed by the CA, as a deployment's trust store would be.
/// </summary>
internal sealed class TlsServer(PostgresServer server, string repository)
{
    private string Folder => Path.Combine(Path.GetDirectoryName(server.LogFile)!, "tls");
    public string CaFile => Path.Combine(Folder, "ca.pem");
    public string BundleFile => Path.Combine(Folder, "rds-ca-bundle-plus-test-ca.pem");
    private bool _enabled;

    public async Task EnableAsync()
    {
        if (_enabled) return;
        Directory.CreateDirectory(Folder);
        string ext = Path.Combine(Folder, "server.ext");
        await File.WriteAllTextAsync(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n");
        OpenSsl($"req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=role-manager-bench-ca -addext basicConstraints=critical,CA:TRUE " +
                $"-addext keyUsage=critical,keyCertSign,cRLSign -keyout {Folder}/ca.key -out {CaFile}");
        OpenSsl($"req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout {Folder}/server.key -out {Folder}/server.csr");
        OpenSsl($"x509 -req -in {Folder}/server.csr -CA {CaFile} -CAkey {Folder}/ca.key -CAcreateserial -days 2 -extfile {ext} -out {Folder}/server.crt");
        await File.WriteAllTextAsync(BundleFile, await File.ReadAllTextAsync(Path.Combine(repository, "assets", "rds-ca-bundle.pem")) + "\n" + await File.ReadAllTextAsync(CaFile));
        Run("chmod", $"600 {Folder}/server.key");
        if (Environment.UserName == "root") Run("chown", $"postgres:postgres {Folder}/server.key {Folder}/server.crt");

        await using (var su = await server.OpenSuperuserAsync("postgres"))
        {
            await Sql.Exec(su, $"ALTER SYSTEM SET ssl_cert_file = '{Folder}/server.crt'");
            await Sql.Exec(su, $"ALTER SYSTEM SET ssl_key_file = '{Folder}/server.key'");
            await Sql.Exec(su, "ALTER SYSTEM SET ssl = on");
            await Sql.Exec(su, "SELECT pg_reload_conf()");
        }
        for (int i = 0; i < 50; i++)
        {
            await using var su = await server.OpenSuperuserAsync("postgres");
            if (await Sql.Scalar<string>(su, "SHOW ssl") == "on") { _enabled = true; return; }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the server did not turn ssl on; see {server.LogFile}");
    }

    private static void OpenSsl(string arguments) => Run("openssl", arguments);

    private static void Run(string file, string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"cannot start {file}");
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} exited {p.ExitCode}: {err}");
    }
}
