using System.Globalization;
using System.Text;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// Issue #31: the evidence check — check, then the audit report, the diff against the previous evidence and the upload
/// to S3 (moto_server here) — against a plain <c>check</c>, on the default-layout database (10,000 tables by default),
/// interleaved run by run. Every measured evidence run has a previous object to diff against (a warm-up run writes the
/// first). Results in artifacts/bench/evidence.md; the issue's target is the evidence check within 2x a plain check.
/// </summary>
/// <remarks>With the Lambda builds (not <c>--no-lambda</c>) it also measures the function's cold start (<c>"manage"</c> on the
/// small converged database) with and without an evidence bucket, and against <c>--bootstrap-before</c> (a build without
/// AWSSDK.S3) when given: what the S3 client costs the zip and the start.</remarks>
internal sealed class EvidenceBench(Fixture fixture, DefaultLayoutBench defaults, BenchOptions options, Action<string> progress, ColdStartBench? lambda)
{
    private const string Bucket = "bench-evidence";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public async Task<string> RunAsync()
    {
        await defaults.EnsureBuiltAsync();
        // The check logs in as each role to prove what it can do: let the two roles in without a password, as a local server may.
        await fixture.Server.TrustAsync(DefaultLayoutBench.Database, DefaultLayoutBench.App, DefaultLayoutBench.Migrator);
        using var moto = new MotoServer();
        await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "s3api", "create-bucket", "--bucket", Bucket);
        var environment = new Dictionary<string, string?>(moto.AwsVariables().Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)))
        {
            ["PGPASSWORD"] = fixture.Server.MasterPassword,
        };
        string target = $"s3://{Bucket}/bench/";

        progress($"[evidence] check vs check --evidence {target} (moto_server), default layout over {options.DefaultTables:N0} tables, {options.DefaultRepeats} interleaved runs");
        await CheckAsync(environment, null);           // warm-up, not counted
        await CheckAsync(environment, target);         // the first evidence: every measured one diffs against a previous one
        // The same evidence in a local folder: what the report and the diff cost without S3 (and without moto's own time).
        string folder = Path.Combine(Path.GetTempPath(), "rm-bench-evidence-" + Guid.NewGuid().ToString("N"));
        await CheckAsync(environment, folder);
        var plain = new List<ProcessRun>();
        var evidence = new List<ProcessRun>();
        var local = new List<ProcessRun>();
        try
        {
            for (int r = 1; r <= options.DefaultRepeats; r++)
            {
                var p = await CheckAsync(environment, null);
                plain.Add(p);
                var e = await CheckAsync(environment, target);
                evidence.Add(e);
                var l = await CheckAsync(environment, folder);
                local.Add(l);
                progress($"  [evidence] {r}/{options.DefaultRepeats} check: {p.Seconds:0.000} s; check --evidence s3: {e.Seconds:0.000} s; check --evidence DIR: {l.Seconds:0.000} s");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        long bytes = await LatestObjectBytesAsync(moto);

        double check = Stats.Median(plain.Select(x => x.Seconds)), withEvidence = Stats.Median(evidence.Select(x => x.Seconds));
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### Evidence check over {options.DefaultTables:N0} tables: check + report + diff + upload (moto_server) vs a plain check");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{options.DefaultRepeats} interleaved rounds on `{DefaultLayoutBench.Database}` (default layout); the CLI's `check --evidence {target}`. Evidence object: {bytes / 1024.0:0.0} KiB.");
        md.AppendLine();
        md.AppendLine("| run | median wall time (s) | min – max (s) | median peak RSS (MiB) | / plain check |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        void Row(string name, List<ProcessRun> runs, double ratio) => md.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {Stats.Median(runs.Select(x => x.Seconds)):0.000} | {runs.Min(x => x.Seconds):0.000} – {runs.Max(x => x.Seconds):0.000} | {Stats.Median(runs.Select(x => x.PeakRssMiB)):0.0} | {ratio:0.00}x |");
        Row("check", plain, 1);
        Row("check --evidence (S3)", evidence, withEvidence / check);
        Row("check --evidence DIR (local folder)", local, Stats.Median(local.Select(x => x.Seconds)) / check);
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Target — the evidence check within 2x a plain check: {(withEvidence <= 2 * check ? "**met**" : "**not met**")} ({withEvidence / check:0.00}x).");
        md.AppendLine();
        if (lambda is not null) await ColdStartsAsync(md, moto);
        string text = md.ToString();
        await File.WriteAllTextAsync(Path.Combine(options.Output, "evidence.md"), text);
        return text;
    }

    /// <summary>Interleaved cold starts: the build before (if given), this build, this build writing evidence to moto.</summary>
    private async Task ColdStartsAsync(StringBuilder md, MotoServer moto)
    {
        await lambda!.PrepareDefaultLayoutAsync();
        var evidence = new Dictionary<string, string>(moto.AwsVariables())
        {
            ["ROLE_MANAGER_EVIDENCE_BUCKET"] = Bucket, ["ROLE_MANAGER_EVIDENCE_PREFIX"] = "cold/",
        };
        var rows = new List<(string Name, string? File, IReadOnlyDictionary<string, string> Extra, List<double> Ms)>();
        if (options.BootstrapBefore is { } before) rows.Add(("AOT function, --bootstrap-before", before, new Dictionary<string, string>(), []));
        rows.Add(("AOT function, no evidence bucket", null, new Dictionary<string, string>(), []));
        rows.Add(("AOT function, evidence to S3 (moto)", null, evidence, []));
        await lambda.OnceAsync(ColdStartBench.Build.Aot, ColdStartBench.SmallDatabase, evidence, "\"manage\"", null); // the first evidence object
        for (int r = 1; r <= options.ColdStarts; r++)
            foreach (var row in rows)
            {
                var (seconds, _) = await lambda.OnceAsync(ColdStartBench.Build.Aot, ColdStartBench.SmallDatabase, row.Extra, "\"manage\"", row.File);
                row.Ms.Add(seconds * 1000);
                progress($"  [evidence] cold start {r}/{options.ColdStarts}, {row.Name}: {seconds * 1000:0} ms");
            }
        await fixture.DropAsync(ColdStartBench.SmallDatabase);
        md.AppendLine(CultureInfo.InvariantCulture, $"Lambda cold start, `\"manage\"` on a small converged database, {options.ColdStarts} interleaved rounds (process start to the response at the Runtime API):");
        md.AppendLine();
        md.AppendLine("| build | median (ms) | min – max (ms) | bootstrap size (MiB) |");
        md.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            double mib = new FileInfo(row.File ?? options.BootstrapAot).Length / 1048576.0;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {Stats.Median(row.Ms):0} | {row.Ms.Min():0} – {row.Ms.Max():0} | {mib:0.0} |");
        }
        md.AppendLine();
    }

    private async Task<ProcessRun> CheckAsync(IReadOnlyDictionary<string, string?> environment, string? evidence)
    {
        string[] arguments = [.. defaults.Arguments("check"), .. evidence is null ? [] : (string[])["--evidence", evidence]];
        var run = await ProcessMeter.RunAsync(options.Cli, arguments, environment, Timeout);
        // 3 is a failed assertion: still a complete check, and the evidence is written for it too.
        if (run.ExitCode is not (0 or 3)) throw new InvalidOperationException($"{options.Cli} check{(evidence is null ? "" : " --evidence")} exited {run.ExitCode}:\n{run.Stderr}");
        if (evidence is not null && !run.Stderr.Contains("evidence: ", StringComparison.Ordinal))
            throw new InvalidOperationException($"check --evidence wrote no evidence:\n{run.Stderr}");
        return run;
    }

    private static async Task<long> LatestObjectBytesAsync(MotoServer moto)
    {
        string listed = await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "s3api", "list-objects-v2", "--bucket", Bucket, "--prefix", "bench/",
            "--query", "Contents[-1].Size", "--output", "text");
        return long.TryParse(listed.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long size) ? size : 0;
    }
}
