using System.Diagnostics;
using RoleManager.Testing;

namespace RoleManager.Core.Tests;

/// <summary>
/// The test servers' watchdog: when the process it watches is gone (a test host ended without its clean-up), it stops the
/// server and deletes the server's folder. Before, every such run left a PostgreSQL data folder in /tmp (97 of them,
/// 36 GB, after one day of runs here).
/// </summary>
public sealed class WatchdogTests
{
    [Fact]
    public async Task When_the_watched_process_is_gone_the_watchdog_stops_its_program_and_deletes_the_folder_it_was_given()
    {
        string folder = Directory.CreateTempSubdirectory("rm-watchdog-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "data"), "a server's files");
        using var watched = Process.Start(new ProcessStartInfo("sleep", "1") { UseShellExecute = false })!;
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", Watchdog.Script, "sh", watched.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), folder, "sleep", "120" })
            start.ArgumentList.Add(a);
        using var watchdog = Process.Start(start)!;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await watchdog.WaitForExitAsync(timeout.Token);

        Assert.False(Directory.Exists(folder), $"{folder} is still there");
    }

    [Fact]
    public async Task When_only_the_program_stops_the_folder_stays_for_a_restart()
    {
        string folder = Directory.CreateTempSubdirectory("rm-watchdog-").FullName;
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        foreach (var a in Watchdog.ShellArguments("sleep", removeWhenGone: folder).Append("1")) start.ArgumentList.Add(a);
        using var watchdog = Process.Start(start)!;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await watchdog.WaitForExitAsync(timeout.Token);

        Assert.True(Directory.Exists(folder), "the folder of a server that stopped while its test process runs was deleted");
        Directory.Delete(folder);
    }
}
