using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// README: bin/demo and bin/test "install what they need (the PostgreSQL server through apt-get when it is missing ...)
/// or say exactly what to install". This machine has a server, so each test plays a fresh one: a PATH holding only
/// the few programs the scripts call and stand-ins for apt-get, sudo and id that record what they were asked, and
/// RM_POSTGRES_PACKAGES pointing at an empty folder where Debian's packages would be. The stand-in apt-get "installs"
/// by creating the server's folder, as the real package does.
/// </summary>
public sealed class FreshMachineScriptTests : IDisposable
{
    private readonly TempDirectory _temp = new("rm-fresh-machine-");

    public void Dispose() => _temp.Dispose();

    private string Packages => _temp.Combine("usr-lib-postgresql");
    private string Calls => _temp.Combine("calls.log");

    /// <summary>A folder for PATH with links to the real <paramref name="programs"/> and the given stand-in scripts.</summary>
    private string PathWith(string[] programs, params (string Name, string Script)[] standIns)
    {
        string bin = Directory.CreateDirectory(_temp.Combine("bin")).FullName;
        foreach (string program in programs)
            File.CreateSymbolicLink(Path.Combine(bin, program), new[] { "/usr/bin", "/bin" }.Select(d => Path.Combine(d, program)).First(File.Exists));
        foreach (var (name, script) in standIns)
        {
            string file = Path.Combine(bin, name);
            File.WriteAllText(file, "#!/bin/bash\n" + script + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return bin;
    }

    /// <summary>What the scripts call besides bash's builtins (and the stand-in apt-get's mkdir and chmod).</summary>
    private static readonly string[] Basics = ["ls", "sort", "tail", "dirname", "env", "mkdir", "chmod"];

    private (string, string) AptGet(bool installs) => ("apt-get",
        $"echo \"apt-get $*\" >> {Calls}\n" +
        (installs ? $"if [[ $1 == install ]]; then mkdir -p {Packages}/16/bin && printf '#!/bin/sh\\n' > {Packages}/16/bin/postgres && chmod +x {Packages}/16/bin/postgres; fi" : "true"));

    private (string, string) Id(int uid) => ("id", $"echo {uid}");

    private (string, string) Sudo => ("sudo", $"echo \"sudo $*\" >> {Calls}\nexec env \"$@\"");

    /// <summary>Sources bin/lib/postgres.sh as bin/demo and bin/test do and prints what rm_find_postgres found.</summary>
    private Task<ProcessResult> FindPostgresAsync(string path) => ProcessRunner.RunAsync("/bin/bash",
        ["-c", "set -euo pipefail; source bin/lib/postgres.sh; PG_BIN=$(rm_find_postgres); echo \"found $PG_BIN\""], Repo.Root,
        new Dictionary<string, string?> { ["PATH"] = path, ["PG_BIN"] = null, ["RM_POSTGRES_PACKAGES"] = Directory.CreateDirectory(Packages).FullName });

    [Fact]
    public async Task As_root_a_missing_server_is_installed_with_apt_get_and_then_used()
    {
        var run = await FindPostgresAsync(PathWith(Basics, AptGet(installs: true), Id(0)));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"found {Packages}/16/bin", run.Stdout);
        Assert.Contains("PostgreSQL server not found: installing Debian's postgresql package", run.Stderr);
        Assert.Equal(["apt-get update -qq", "apt-get install -y -qq postgresql postgresql-contrib"], File.ReadAllLines(Calls));
    }

    [Fact]
    public async Task As_another_user_it_installs_through_sudo()
    {
        var run = await FindPostgresAsync(PathWith(Basics, AptGet(installs: true), Id(1000), Sudo));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"found {Packages}/16/bin", run.Stdout);
        var calls = File.ReadAllLines(Calls);
        Assert.Contains("sudo apt-get update -qq", calls);
        Assert.Contains("sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib", calls);
        Assert.Contains("apt-get install -y -qq postgresql postgresql-contrib", calls);
    }

    [Fact]
    public async Task Without_apt_get_it_says_exactly_what_to_install_and_fails()
    {
        var run = await FindPostgresAsync(PathWith(Basics, Id(1000)));

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.DoesNotContain("found", run.Stdout);
        Assert.Contains("error: PostgreSQL server binaries are missing", run.Stderr);
        Assert.Contains("apt-get install postgresql", run.Stderr);
        Assert.Contains("set PG_BIN to the folder holding 'postgres' and 'initdb'", run.Stderr);
    }

    [Fact]
    public async Task An_install_that_leaves_no_server_is_an_error_not_an_empty_folder()
    {
        var run = await FindPostgresAsync(PathWith(Basics, AptGet(installs: false), Id(0)));

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.DoesNotContain("found", run.Stdout);
        Assert.Contains($"apt-get installed no PostgreSQL server under {Packages}", run.Stderr);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("test")]
    public async Task Without_the_dotnet_sdk_demo_and_test_say_how_to_get_it(string script)
    {
        var run = await ProcessRunner.RunAsync("/bin/bash", [Repo.Script(script)], _temp.Path,
            new Dictionary<string, string?> { ["PATH"] = PathWith(Basics) });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("error: the .NET SDK 10 is required: https://dot.net (or apt-get install dotnet-sdk-10.0)", run.Stderr);
    }
}
