using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>bin/install-test-tools on a machine that lacks the tools (a PATH without them).</summary>
public sealed class InstallTestToolsTests : IDisposable
{
    private readonly TempDirectory _temp = new("rm-infra-install-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Install_test_tools_check_names_each_missing_tool_with_how_to_install_it_and_exits_1()
    {
        var environment = new Dictionary<string, string?>
        {
            // An empty PATH folder: the machine has none of the tools (bash is started by its full path).
            ["PATH"] = Directory.CreateDirectory(_temp.Combine("empty-bin")).FullName,
            ["HOME"] = _temp.Path,
            ["TF_PLUGIN_MIRROR_DIR"] = _temp.Combine("no-mirror"),
        };

        var run = await ProcessRunner.RunAsync("/bin/bash", [Repo.Script("install-test-tools"), "--check"], _temp.Path, environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Still missing", run.Stderr);
        Assert.Contains("moto_server: pip install 'moto[server]", run.Stderr);
        Assert.Contains("aws CLI: pip install awscli", run.Stderr);
        Assert.Contains("terraform (1.5 or later", run.Stderr);
        Assert.Contains("apt-get install terraform", run.Stderr);
        Assert.Contains("python3 (the invoke scripts bin/*-database-roles): apt-get install python3", run.Stderr);
    }

    [Fact]
    public async Task Install_test_tools_explains_itself_with_help()
    {
        var run = await ProcessRunner.RunAsync("/bin/bash", [Repo.Script("install-test-tools"), "--help"], _temp.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("moto_server", run.Stdout);
        Assert.Contains("Usage: bin/install-test-tools [--check]", run.Stdout);
    }
}
