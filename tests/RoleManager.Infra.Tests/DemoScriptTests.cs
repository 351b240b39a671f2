using System.Net.Sockets;
using System.Text.RegularExpressions;
using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The README's first command, <c>bin/demo</c>, run as a user runs it (here with <c>--report</c>, which the README shows
/// for the report's picture): it builds the program, starts a throwaway PostgreSQL set up like RDS, and the plan,
/// apply, check and second plan it prints are the README's promise — the database converged, the check passed, the
/// second plan empty — then it stops the server and leaves nothing running.
/// </summary>
[Collection(SerialBuilds.Name)]
public sealed partial class DemoScriptTests : IDisposable
{
    private readonly TempDirectory _temp = new("rm-demo-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Bin_demo_plans_applies_checks_and_finds_nothing_left_to_do_then_stops_its_server()
    {
        string reports = _temp.Combine("report");
        var run = await ProcessRunner.RunAsync("/bin/bash", [Repo.Script("demo"), "--report", reports], Repo.Root, timeout: TimeSpan.FromMinutes(10));

        Assert.True(run.ExitCode == 0, run.ToString());
        string output = run.Stdout;
        Assert.Contains("== role-manager plan --auth password", output);
        Assert.Contains("+ create role migrator (login, auth password)", output);
        Assert.Contains("PASSWORD '********'", output);
        Assert.Matches(@"Check passed: all \d+ assertions hold", output);
        Assert.Contains("No changes. appdb on master@127.0.0.1:", output);
        Assert.Contains("Demo finished: the database is converged. Stopping PostgreSQL.", output);
        foreach (string file in new[] { "report.html", "report.md", "report.json" })
            Assert.True(new FileInfo(Path.Combine(reports, file)).Length > 0, $"{file} is missing or empty\n{run}");
        Assert.Contains("appdb", await File.ReadAllTextAsync(Path.Combine(reports, "report.md")));

        // The server is gone: nothing listens on its port any more.
        int port = int.Parse(PortLine().Match(output).Groups[1].Value);
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
    }

    [GeneratedRegex(@"== Starting PostgreSQL \(.*\) on 127\.0\.0\.1:(\d+)")]
    private static partial Regex PortLine();
}
