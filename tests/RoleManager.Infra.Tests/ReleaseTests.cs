using System.Formats.Tar;
using System.IO.Compression;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The README's install line, as a user runs it: bin/release builds the .NET tool packages and the archives, the tool
/// installs from that folder, and the installed <c>role-manager</c> verifies TLS with the RDS CA bundle built into it.
/// </summary>
[Collection(SerialBuilds.Name)]
public sealed class ReleaseTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new("rm-release-");
    private PostgresServer _server = null!;
    private TlsFiles _tls = null!;

    private static string ReleaseFolder => Path.Combine(Repo.Root, "artifacts", "release");

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        _tls = await ServerTls.EnableAsync(_server, "role-manager-release-test-ca", alsoLocalhost: false);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_release_workflow_is_a_valid_github_workflow_that_runs_bin_release_on_version_tags()
    {
        string validator = Path.Combine(Repo.Root, ".work", "node", "node_modules", ".bin", "action-validator");
        Assert.True(File.Exists(validator), $"{validator} is missing: run bin/install-test-tools");
        string workflow = Path.Combine(Repo.Root, ".github", "workflows", "release.yml");

        var run = await ProcessRunner.RunAsync(validator, [workflow], Repo.Root);

        Assert.True(run.ExitCode == 0, run.ToString());
        string text = await File.ReadAllTextAsync(workflow);
        Assert.Contains("tags: [\"v*.*.*\"]", text);
        Assert.Contains("bin/release --arch all", text);
        Assert.Contains("sha256sum -c SHA256SUMS", text);
    }

    [Fact]
    public async Task Bin_release_builds_a_tool_that_installs_from_the_folder_and_verifies_tls_with_the_built_in_rds_bundle()
    {
        var build = await ProcessRunner.RunAsync("/bin/bash", [Repo.Script("release"), "--version", "0.9.1"], Repo.Root, timeout: TimeSpan.FromMinutes(40));
        Assert.True(build.ExitCode == 0, build.ToString());

        // What the release holds, and that each file is what SHA256SUMS says.
        string[] files = Directory.GetFiles(ReleaseFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(["RoleManager.Cli.0.9.1.nupkg", "RoleManager.Cli.linux-x64.0.9.1.nupkg", "SHA256SUMS", "role-manager-0.9.1-linux-x64.tar.gz"], files);
        var sums = await ProcessRunner.RunAsync("sha256sum", ["-c", "SHA256SUMS"], ReleaseFolder);
        Assert.True(sums.ExitCode == 0, sums.ToString());
        Assert.Equal(3, sums.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(": OK", StringComparison.Ordinal)));
        Assert.Equal(["role-manager-0.9.1-linux-x64/README.md", "role-manager-0.9.1-linux-x64/rds-ca-bundle.pem", "role-manager-0.9.1-linux-x64/role-manager"],
            ArchiveEntries(Path.Combine(ReleaseFolder, "role-manager-0.9.1-linux-x64.tar.gz")));

        // The README's install line, into a folder of this test's (a user would say --global).
        string tools = _temp.Combine("tools");
        var install = await ProcessRunner.RunAsync("dotnet", ["tool", "install", "RoleManager.Cli", "--version", "0.9.1", "--tool-path", tools, "--add-source", ReleaseFolder],
            _temp.Path, timeout: TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.ToString());
        string roleManager = Path.Combine(tools, "role-manager");
        // Nothing beside the installed binary: the CA bundle it trusts by default is the one built into it.
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ResolveLink(roleManager)))!, "rds-ca-bundle.pem")));

        var environment = new Dictionary<string, string?>
        {
            ["PGHOST"] = "127.0.0.1", ["PGPORT"] = _server.Port.ToString(), ["PGUSER"] = PostgresServer.MasterUser,
            ["PGPASSWORD"] = _server.MasterPassword, ["PGDATABASE"] = "postgres", ["PGSSLMODE"] = null, ["PGSSLROOTCERT"] = null,
        };
        // The test CA is not an RDS CA: verify-full against the built-in RDS bundle refuses the server, and says against what.
        var refused = await ProcessRunner.RunAsync(roleManager, ["plan", "--auth", "none"], _temp.Path, environment);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("built-in RDS CA bundle", refused.Stderr);
        Assert.DoesNotContain(_server.MasterPassword, refused.Stdout + refused.Stderr);

        // The same binary with the server's own CA: verify-full passes and the plan runs.
        var planned = await ProcessRunner.RunAsync(roleManager, ["plan", "--auth", "none", "--sslrootcert", _tls.CaFile], _temp.Path, environment);
        Assert.True(planned.ExitCode == 0, planned.ToString());
        Assert.Contains("Plan for postgres", planned.Stdout);
    }

    private static string[] ArchiveEntries(string archive)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile) names.Add(entry.Name);
        return names.Order(StringComparer.Ordinal).ToArray();
    }

    private static string ResolveLink(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
