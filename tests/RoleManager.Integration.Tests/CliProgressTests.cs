using System.Diagnostics;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests;

/// <summary>
/// What a person at a terminal sees while apply runs: its steps on standard error (begin and the lock, each statement,
/// commit), nothing with --quiet, and nothing extra when standard error is a pipe or a file.
/// </summary>
public sealed class CliProgressTests
{
    [Fact]
    public async Task Apply_on_a_terminal_shows_the_lock_each_statement_and_the_commit()
    {
        var db = await TestDatabase.CreateAsync();
        string screen = await OnTerminalAsync(CliEnvironment.Master(db), "apply", "--auth", "password");
        Assert.Contains("... begin", screen);
        Assert.Contains("advisory lock", screen);
        Assert.Contains("... execute 1/", screen);
        Assert.Contains("... commit", screen);
    }

    [Fact]
    public async Task Apply_on_a_terminal_with_quiet_shows_no_progress()
    {
        var db = await TestDatabase.CreateAsync();
        string screen = await OnTerminalAsync(CliEnvironment.Master(db), "apply", "--auth", "password", "--quiet");
        Assert.DoesNotContain("  ... ", screen);
        Assert.Contains("in one transaction", screen); // the report itself still prints
    }

    [Fact]
    public async Task Apply_with_stderr_not_a_terminal_keeps_stderr_to_warnings()
    {
        var db = await TestDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(CliEnvironment.Master(db), "apply", "--auth", "password");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.DoesNotContain("... commit", result.StdErr);
        Assert.DoesNotContain("... execute", result.StdErr);
    }

    /// <summary>Runs the program under <c>script</c>, so its standard output and error are a pseudo-terminal; returns the screen.</summary>
    private static async Task<string> OnTerminalAsync(Dictionary<string, string?> environment, params string[] args)
    {
        string command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "role-manager.dll") }.Concat(args).Select(Quote));
        var psi = new ProcessStartInfo("script", ["-qec", command, "/dev/null"]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.Environment.Remove("ROLE_MANAGER_DEBUG");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        string screen = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, screen);
        return screen;
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
