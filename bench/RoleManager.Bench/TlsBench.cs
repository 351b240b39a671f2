using System.Diagnostics;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// The Lambda cold start as a deployment runs it: TLS verify-full and a SCRAM password login for the master, on the
/// small default-layout database and on the 10,000-table one, beside one bare <c>psql -c 'select 1'</c> over the
/// same TLS and SCRAM path. The rows run interleaved (one of each per round), so load on the machine hits them alike.
/// </summary>
internal sealed class TlsBench(PostgresServer server, TlsServer tls, ColdStartBench lambda, BenchOptions options, Action<string> progress)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public async Task<TlsResult> RunAsync(string label, string database, IReadOnlyDictionary<string, string> layout)
    {
        await tls.EnableAsync();
        Dictionary<string, string> Env(string sslMode, string? root)
        {
            var env = new Dictionary<string, string>(layout) { ["PGSSLMODE"] = sslMode };
            if (root is not null) env["PGSSLROOTCERT"] = root;
            return env;
        }
        string inspection = Path.Combine(options.Output, $"tls-inspection-{database}.sql");
        await File.WriteAllTextAsync(inspection, InspectionFloor.Script(options.Repository,
            layout.GetValueOrDefault("MIGRATOR_USER", ColdStartBench.MigratorUser), layout.GetValueOrDefault("APP_USER", ColdStartBench.AppUser), "app"));
        var rows = new List<(string Name, Func<Task<(double, double)>> Once)>
        {
            ("psql -c 'select 1', TLS verify-full + SCRAM", () => PsqlAsync(database, "verify-full")),
            ("psql sending the inspection's queries, TLS verify-full + SCRAM (the floor)", () => PsqlAsync(database, "verify-full", inspection)),
            ("AOT function, TLS verify-full + SCRAM, RDS bundle + CA (88 certificates)",
                () => lambda.OnceAsync(ColdStartBench.Build.Aot, database, Env("verify-full", tls.BundleFile), "\"manage\"", null)),
            ("AOT function, TLS verify-full + SCRAM, the CA alone", () => lambda.OnceAsync(ColdStartBench.Build.Aot, database, Env("verify-full", tls.CaFile), "\"manage\"", null)),
            ("AOT function, TLS verify-full + SCRAM, RDS bundle + CA, the machine's CA store (no SSL_CERT_FILE / SSL_CERT_DIR)",
                () => lambda.OnceAsync(ColdStartBench.Build.Aot, database, new Dictionary<string, string>(Env("verify-full", tls.BundleFile)) { ["SSL_CERT_FILE"] = "", ["SSL_CERT_DIR"] = "" }, "\"manage\"", null)),
            ("AOT function, no TLS, SCRAM", () => lambda.OnceAsync(ColdStartBench.Build.Aot, database, Env("disable", null), "\"manage\"", null)),
            ("psql -c 'select 1', no TLS, SCRAM", () => PsqlAsync(database, "disable")),
        };
        if (options.BootstrapBefore is { } before)
            rows.Insert(2, ("AOT function --bootstrap-before, TLS verify-full + SCRAM, RDS bundle + CA",
                () => lambda.OnceAsync(ColdStartBench.Build.Aot, database, Env("verify-full", tls.BundleFile), "\"manage\"", before)));

        var seconds = rows.Select(_ => new List<double>()).ToList();
        var rss = rows.Select(_ => new List<double>()).ToList();
        await rows[1].Once(); // warm-up: page cache, not counted
        for (int r = 1; r <= options.TlsColdStarts; r++)
        {
            for (int i = 0; i < rows.Count; i++)
            {
                var (s, mib) = await rows[i].Once();
                seconds[i].Add(s);
                rss[i].Add(mib);
            }
            progress($"  [tls {label}] round {r}/{options.TlsColdStarts}: " + string.Join(", ", rows.Select((row, i) => $"{seconds[i][^1] * 1000:0} ms")));
        }
        return new TlsResult(label, rows.Select((row, i) => new ColdStartResult(row.Name, "\"manage\"", seconds[i], rss[i])).ToList());
    }

    /// <summary>psql from process start to exit, like the cold start (no /usr/bin/time in between); its peak RSS is not read.</summary>
    /// <param name="script">A file to run (its rows thrown away) instead of <c>select 1</c>.</param>
    private async Task<(double, double)> PsqlAsync(string database, string sslMode, string? script = null)
    {
        var start = new ProcessStartInfo(options.Psql) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] what = script is null ? ["-c", "select 1"] : ["-v", "ON_ERROR_STOP=1", "-o", "/dev/null", "-f", script];
        foreach (var a in new[] { "-X", "-q", "-A", "-t" }.Concat(what).Append(
                     $"host=127.0.0.1 port={server.Port} dbname={database} user={PostgresServer.MasterUser} sslmode={sslMode} sslrootcert={tls.CaFile}"))
            start.ArgumentList.Add(a);
        foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSSLMODE", "PGSSLROOTCERT" }) start.Environment.Remove(name);
        start.Environment["PGPASSWORD"] = server.MasterPassword;
        long started = Stopwatch.GetTimestamp();
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await p.WaitForExitAsync(cts.Token);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (p.ExitCode != 0 || (script is null && (await stdout).Trim() != "1")) throw new InvalidOperationException($"psql ({sslMode}) failed: {await stderr}");
        return (seconds, 0);
    }
}
