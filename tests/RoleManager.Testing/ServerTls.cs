using System.Diagnostics;

namespace RoleManager.Testing;

/// <summary>What <see cref="ServerTls.EnableAsync"/> wrote in <paramref name="Folder"/>.</summary>
/// <param name="CaFile">The test CA alone.</param>
/// <param name="BundleFile">The RDS bundle followed by the test CA, as a deployment's trust store would be.</param>
public sealed record TlsFiles(string Folder, string CaFile, string BundleFile);

/// <summary>
/// Turns TLS on in a throwaway server, as on RDS: a self-signed CA and a server certificate for 127.0.0.1 made with
/// openssl in the server's folder, <c>ssl = on</c> by ALTER SYSTEM and a reload (no restart); logins stay as the
/// fixture's pg_hba has them. The one certificate set-up of the TLS tests and the bench.
/// </summary>
public static class ServerTls
{
    /// <param name="server">The server to turn TLS on in; it owns the folder the files go to.</param>
    /// <param name="caName">The CA's common name.</param>
    /// <param name="alsoLocalhost">Whether the certificate names localhost too; without it "localhost" is another host name for verify-full.</param>
    /// <param name="rdsBundle">The RDS CA bundle the function ships; null: assets/rds-ca-bundle.pem of this repository.</param>
    public static async Task<TlsFiles> EnableAsync(PostgresServer server, string caName, bool alsoLocalhost, string? rdsBundle = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        string folder = Path.Combine(Path.GetDirectoryName(server.LogFile)!, "tls");
        var files = new TlsFiles(folder, Path.Combine(folder, "ca.pem"), Path.Combine(folder, "rds-ca-bundle-plus-test-ca.pem"));
        Directory.CreateDirectory(folder);
        string ext = Path.Combine(folder, "server.ext");
        await File.WriteAllTextAsync(ext, $"subjectAltName=IP:127.0.0.1{(alsoLocalhost ? ",DNS:localhost" : "")}\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n");
        Run("openssl", $"req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN={caName} -addext basicConstraints=critical,CA:TRUE " +
                       $"-addext keyUsage=critical,keyCertSign,cRLSign -keyout {folder}/ca.key -out {files.CaFile}");
        Run("openssl", $"req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout {folder}/server.key -out {folder}/server.csr");
        Run("openssl", $"x509 -req -in {folder}/server.csr -CA {files.CaFile} -CAkey {folder}/ca.key -CAcreateserial -days 2 -extfile {ext} -out {folder}/server.crt");
        rdsBundle ??= Path.Combine(RepositoryRoot.Path, "assets", "rds-ca-bundle.pem");
        await File.WriteAllTextAsync(files.BundleFile, await File.ReadAllTextAsync(rdsBundle) + "\n" + await File.ReadAllTextAsync(files.CaFile));
        Run("chmod", $"600 {folder}/server.key");
        if (Environment.UserName == "root") Run("chown", $"-R postgres:postgres {folder}"); // the server runs as postgres and reads the key

        await using (var su = await server.OpenSuperuserAsync("postgres"))
        {
            await PostgresServer.Exec(su, $"ALTER SYSTEM SET ssl_cert_file = '{folder}/server.crt'");
            await PostgresServer.Exec(su, $"ALTER SYSTEM SET ssl_key_file = '{folder}/server.key'");
            await PostgresServer.Exec(su, "ALTER SYSTEM SET ssl = on");
            await PostgresServer.Exec(su, "SELECT pg_reload_conf()");
        }
        // The reload is asynchronous: wait until new sessions see ssl on.
        for (int i = 0; i < 100; i++)
        {
            await using var su = await server.OpenSuperuserAsync("postgres");
            if (await PostgresServer.Scalar<string>(su, "SHOW ssl") == "on") return files;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the server did not turn ssl on; see {server.LogFile}");
    }

    /// <summary>
    /// Makes the server present <paramref name="certificateFile"/> (a PEM chain: the server certificate first, then any
    /// intermediates it sends) with <paramref name="keyFile"/> to new sessions: ALTER SYSTEM and a reload, then waits until
    /// a new session sees the file.
    /// </summary>
    public static async Task UseCertificateAsync(PostgresServer server, string certificateFile, string keyFile)
    {
        ArgumentNullException.ThrowIfNull(server);
        Run("chmod", $"600 {keyFile}");
        if (Environment.UserName == "root") Run("chown", $"postgres:postgres {certificateFile} {keyFile}");
        await using (var su = await server.OpenSuperuserAsync("postgres"))
        {
            await PostgresServer.Exec(su, $"ALTER SYSTEM SET ssl_cert_file = '{certificateFile}'");
            await PostgresServer.Exec(su, $"ALTER SYSTEM SET ssl_key_file = '{keyFile}'");
            await PostgresServer.Exec(su, "SELECT pg_reload_conf()");
        }
        for (int i = 0; i < 100; i++)
        {
            await using var su = await server.OpenSuperuserAsync("postgres");
            if (await PostgresServer.Scalar<string>(su, "SHOW ssl_cert_file") == certificateFile) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the server did not switch to {certificateFile}; see {server.LogFile}");
    }

    /// <summary>Runs openssl with <paramref name="arguments"/>; a non-zero exit is an exception with its standard error.</summary>
    public static void Openssl(string arguments) => Run("openssl", arguments);

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
