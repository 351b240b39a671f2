using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RoleManager.Testing;

/// <summary>Runs the real <c>role-manager</c> program (built beside the tests) as a separate process.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    private static readonly string[] Cleared =
    [
        "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER",
        "DB_PASSWORD_SECRET_ARN", "APP_PASSWORD", "MIGRATOR_PASSWORD", "APP_USER", "MIGRATOR_USER", "DB_SCHEMA", "ROLE_MANAGER_DEBUG",
    ];

    /// <summary>
    /// The program (the copy in <paramref name="programFolder"/>, else the one built beside the tests) with
    /// <paramref name="args"/>, the inherited environment without the connection variables a developer's shell may set,
    /// then <paramref name="environment"/>.
    /// </summary>
    private static ProcessStartInfo StartInfo(IDictionary<string, string?> environment, string[] args, string? workingDirectory, string? programFolder)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.ArgumentList.Add(Path.Combine(programFolder ?? AppContext.BaseDirectory, "role-manager.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in Cleared) psi.Environment.Remove(name);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>Starts the program; the task completes when it exits (killed after <paramref name="timeout"/>, default 2 minutes).</summary>
    /// <param name="programFolder">A copy of the program to run instead of the one built beside the tests.</param>
    public static async Task<Result> RunAsync(IDictionary<string, string?> environment, string[] args, TimeSpan? timeout = null, string? workingDirectory = null,
        string? programFolder = null)
    {
        using var process = Process.Start(StartInfo(environment, args, workingDirectory, programFolder))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"role-manager {string.Join(' ', args)} did not exit within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds} s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static Task<Result> RunAsync(IDictionary<string, string?> environment, params string[] args) => RunAsync(environment, args, null);

    /// <summary>A program started by <see cref="Start"/>: its process id (to send it a signal) and its result once it exits.</summary>
    public sealed record Running(int ProcessId, Task<Result> Exited);

    /// <summary>Starts the program and returns at once, for tests that act on it while it runs (e.g. interrupt it).</summary>
    public static Running Start(IDictionary<string, string?> environment, params string[] args)
    {
        var process = Process.Start(StartInfo(environment, args, null, null))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        return new Running(process.Id, Exit());

        async Task<Result> Exit()
        {
            using (process)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                try { await process.WaitForExitAsync(cts.Token); }
                catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"role-manager {string.Join(' ', args)} did not exit within 2 minutes"); }
                return new Result(process.ExitCode, await stdout, await stderr);
            }
        }
    }

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does.</summary>
    public static void Interrupt(int processId)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", processId.ToString()]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }
}
