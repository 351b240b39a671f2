using System.Diagnostics;
using System.Globalization;

namespace RoleManager.Bench;

/// <summary>One process run: wall time (start to exit), peak resident memory, exit code and output.</summary>
internal sealed record ProcessRun(double Seconds, double PeakRssMiB, int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a program under <c>/usr/bin/time</c>, whose <c>%M</c> is the peak RSS of the process (getrusage's ru_maxrss),
/// and times it from start to exit with a monotonic clock.
/// </summary>
internal static class ProcessMeter
{
    public const string TimeProgram = "/usr/bin/time";

    public static async Task<ProcessRun> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        string rssFile = Path.GetTempFileName();
        var start = new ProcessStartInfo(TimeProgram)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-f", "%M", "-o", rssFile, file }.Concat(arguments)) start.ArgumentList.Add(a);
        foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE" }) start.Environment.Remove(name);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        try
        {
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', arguments)} ran longer than {timeout.TotalMinutes:0} min.");
            }
            double seconds = clock.Elapsed.TotalSeconds;
            string rss = (await File.ReadAllLinesAsync(rssFile)).LastOrDefault(l => l.Trim().Length > 0) ?? "0";
            return new ProcessRun(seconds, double.Parse(rss.Trim(), CultureInfo.InvariantCulture) / 1024.0, process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            File.Delete(rssFile);
        }
    }
}
