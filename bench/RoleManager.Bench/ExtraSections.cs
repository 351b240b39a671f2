using System.Text;

namespace RoleManager.Bench;

/// <summary>The Markdown of the sections added for issue #19 (default layout, TLS cold start, people scale) and their targets.</summary>
internal static class ExtraSections
{
    private static string F(double value, string format = "0.000") => Report.F(value, format);

    private static string Ms(double seconds) => F(seconds * 1000, "0");

    public static void DefaultLayout(StringBuilder md, DefaultLayoutResult? result)
    {
        if (result is not { } d) return;
        md.AppendLine($"### Default layout (app + migrator) over {d.Tables:N0} tables: converged apply vs the psql script" +
                      (d.Tls ? ", TLS verify-full (the CLI against a CA file with the machine's CA store in place, as on RDS)" : ""));
        md.AppendLine();
        md.AppendLine($"{d.Apply.Samples.Count} interleaved rounds on one database (`bench_default`); the script is `default-layout.sql`, run with `psql -X -1`.");
        md.AppendLine();
        md.AppendLine("| run | median wall time (s) | min – max (s) | peak RSS (MiB) | statements seen by the server | inspector queries (server ms) | other catalog reads (server ms) | psql script / this |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        void Row(Series s, double ratio) => md.AppendLine(
            $"| {s.Name} | {F(s.MedianSeconds)} | {F(s.Samples.Min(x => x.Seconds))} – {F(s.Samples.Max(x => x.Seconds))} | {F(s.MedianRssMiB, "0.0")} | " +
            $"{F(s.MedianServerStatements, "0")} | {F(s.MedianInspectorQueries, "0")} ({F(s.MedianInspectorMs, "0")}) | " +
            $"{F(Stats.Median(s.Samples.Select(x => (double)x.Server.OtherReads)), "0")} ({F(s.MedianOtherReadsMs, "0")}) | {(ratio > 0 ? F(ratio, "0.00") + "x" : "–")} |");
        Row(d.Apply, d.Ratio);
        if (d.ApplyBefore is { } b) Row(b, d.RatioBefore);
        Row(d.Psql, 0);
        if (d.Floor is { } floor) Row(floor, d.Psql.MedianSeconds / floor.MedianSeconds);
        md.AppendLine();
        md.AppendLine($"psql script / converged apply: **{F(d.Ratio, "0.00")}x**" + (d.ApplyBefore is not null ? $" (the `--cli-before` build: {F(d.RatioBefore, "0.00")}x)." : "."));
        if (d.Floor is { } f)
            md.AppendLine($"The floor (`default-layout-inspection.sql`: psql, as the master, sends the inspection's own queries in one transaction with the run's " +
                          $"settings and lock, then rolls back) takes {F(f.MedianSeconds)} s: the converged apply is {F(d.Apply.MedianSeconds / f.MedianSeconds, "0.00")}x the floor, " +
                          $"and the psql script is {F(d.Psql.MedianSeconds / f.MedianSeconds, "0.00")}x it — the most any tool that reads these catalogs could reach.");
        md.AppendLine();
    }

    public static void Tls(StringBuilder md, BenchResults r)
    {
        if (r.Tls.Count == 0) return;
        md.AppendLine("### Lambda cold start with TLS verify-full and a SCRAM password login (`\"manage\"`, converged)");
        md.AppendLine();
        md.AppendLine("Process start to the response at the Runtime API (psql: start to exit); rows interleaved round by round.");
        md.AppendLine();
        md.AppendLine("| database | run | rounds | median (ms) | min – max (ms) | / bare psql over TLS | peak RSS (MiB) |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var t in r.Tls)
        {
            double psql = t.Rows[0].MedianSeconds;
            foreach (var row in t.Rows)
                md.AppendLine($"| {t.Database} | {row.Build} | {row.Seconds.Count} | {Ms(row.MedianSeconds)} | {Ms(row.Seconds.Min())} – {Ms(row.Seconds.Max())} | " +
                              $"{F(row.MedianSeconds / psql, "0.00")}x | {(row.MaxRssMiB > 0 ? F(row.MedianRssMiB, "0.0") : "–")} |");
        }
        md.AppendLine();
    }

    public static void People(StringBuilder md, BenchResults r)
    {
        if (r.People.Count == 0) return;
        md.AppendLine($"### People scale: login roles (password, SCRAM) with readonly on a {r.People[0].Tables}-table schema");
        md.AppendLine();
        md.AppendLine("One run each, capped; a stopped run is shown as such, never as a time.");
        md.AppendLine();
        md.AppendLine("| login roles | first apply | converged plan | check | drop all |");
        md.AppendLine("| ---: | --- | --- | --- | --- |");
        foreach (var p in r.People)
        {
            string Cell(string name) => p.Runs.FirstOrDefault(x => x.Name == name) is not { } run ? "not run (first apply did not finish)"
                : !run.Finished ? $"did not finish within {F(run.Seconds, "0")} s"
                : $"{F(run.Seconds, "0.0")} s" + (run.ExitCode != 0 ? $" (exit {run.ExitCode})" : "") + (run.Statements > 0 ? $", {run.Statements:N0} statements" : "");
            md.AppendLine($"| {p.People:N0} | {Cell("first apply")} | {Cell("plan (converged)")} | {Cell("check")} | {Cell("drop all")} |");
        }
        md.AppendLine();
    }

    public static IEnumerable<string> Targets(BenchResults r)
    {
        static string Verdict(bool met) => met ? "**met**" : "**not met**";
        if (r.DefaultLayout is { } d)
            yield return $"Default layout over {d.Tables:N0} tables: converged `apply` at least 4x faster than the psql script: {Verdict(d.Ratio >= 4)} ({F(d.Ratio, "0.00")}x: {F(d.Apply.MedianSeconds)} s vs {F(d.Psql.MedianSeconds)} s).";
        if (r.Sizes.FirstOrDefault(s => s.Tables == 100_000) is { } hundred)
            yield return $"Converged `plan` at 100,000 tables under 1 s: {Verdict(hundred.Plan.MedianSeconds < 1)} ({F(hundred.Plan.MedianSeconds)} s).";
        foreach (var t in r.Tls)
        {
            double psql = t.Rows[0].MedianSeconds, aot = t.Rows.First(row => row.Build.StartsWith("AOT function, TLS verify-full + SCRAM, RDS bundle", StringComparison.Ordinal)).MedianSeconds;
            var floor = t.Rows.FirstOrDefault(row => row.Build.Contains("(the floor)", StringComparison.Ordinal));
            yield return t.Database.Contains("small", StringComparison.Ordinal)
                ? $"Lambda cold start, TLS verify-full + SCRAM, {t.Database}: at most 100 ms: {Verdict(aot <= 0.100)} ({Ms(aot)} ms; bare psql {Ms(psql)} ms)."
                : $"Lambda cold start, TLS verify-full + SCRAM, {t.Database}: within 1.5x of bare psql: {Verdict(aot <= 1.5 * psql)} ({Ms(aot)} ms vs {Ms(psql)} ms: {F(aot / psql, "0.00")}x" +
                  (floor is null ? ")." : $"; psql sending the inspection's queries over the same TLS takes {Ms(floor.MedianSeconds)} ms, {F(floor.MedianSeconds / psql, "0.00")}x bare psql).");
        }
        foreach (var p in r.People)
        {
            var check = p.Runs.FirstOrDefault(x => x.Name == "check");
            double? goal = p.People switch { 1000 => 20, 5000 => 120, _ => null };
            if (goal is { } g)
                yield return $"`check` of {p.People:N0} login roles under {g:0} s: {Verdict(check is { Finished: true, ExitCode: 0 } && check.Seconds < g)} " +
                             $"({(check is null ? "not run" : check.Finished ? F(check.Seconds, "0.0") + " s" : $"did not finish within {F(check.Seconds, "0")} s")}).";
            var drop = p.Runs.FirstOrDefault(x => x.Name == "drop all");
            if (p.People == 5000)
                yield return $"Dropping 5,000 roles under 30 s: {Verdict(drop is { Finished: true, ExitCode: 0 } && drop.Seconds < 30)} " +
                             $"({(drop is null ? "not run" : drop.Finished ? F(drop.Seconds, "0.0") + " s" : $"did not finish within {p.CapSeconds} s")}).";
        }
    }
}
