using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// README: "TLS is verify-full against the RDS CA bundle built into the program (rds-ca-bundle.pem beside it wins)".
/// A user who drops a newer bundle beside the binary (AWS adds CAs) must get it without a flag. The tests share one
/// program folder, so this one runs a copy of the program in a folder of its own, against a server of its own whose
/// certificate comes from a test CA: without a file beside the copy the built-in RDS bundle refuses the server, with
/// the test CA beside it the same command connects verified.
/// </summary>
public sealed class BundleBesideProgramTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private TlsFiles _tls = null!;
    private readonly string _programFolder = Path.Combine(Path.GetTempPath(), "rm-program-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        _tls = await ServerTls.EnableAsync(_server, "role-manager-beside-test-ca", alsoLocalhost: false);
        CopyFolder(AppContext.BaseDirectory, _programFolder);
        File.Delete(Path.Combine(_programFolder, "rds-ca-bundle.pem")); // the copy starts as every install does: no file beside it
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_programFolder, recursive: true);
    }

    [Fact]
    public async Task A_bundle_beside_the_program_is_trusted_instead_of_the_built_in_one_without_any_flag()
    {
        var db = await TestDatabase.CreateAsync(_server);
        var env = CliEnvironment.Master(db);
        env.Remove("PGSSLMODE"); // the default, verify-full

        var builtIn = await CliRunner.RunAsync(env, ["plan", "--auth", "password"], programFolder: _programFolder);
        Assert.True(builtIn.ExitCode == 1, builtIn.All);
        Assert.Contains("built-in RDS CA bundle", builtIn.StdErr);

        File.Copy(_tls.CaFile, Path.Combine(_programFolder, "rds-ca-bundle.pem"));
        var beside = await CliRunner.RunAsync(env, ["plan", "--auth", "password"], programFolder: _programFolder);

        Assert.True(beside.ExitCode == 0, beside.All); // connected, verified, and the default layout is still to do
        Assert.Contains("CREATE ROLE", beside.StdOut);
        Assert.DoesNotContain(_server.MasterPassword, beside.All);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
