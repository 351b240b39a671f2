using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RoleManager.Bench;

/// <summary>The machine the numbers come from.</summary>
internal sealed record MachineInfo(int Processors, string Cpu, string Memory, string PostgreSql, string DotNetSdk, string DotNetRuntime, string Kernel);

/// <summary>Everything one bench/run measured.</summary>
internal sealed record BenchResults(
    DateTimeOffset Started, MachineInfo Machine, BenchOptions Options, IReadOnlyList<SizeResult> Sizes,
    ColdStartResult? ColdAot, ColdStartResult? ColdJit, double TotalSeconds,
    DefaultLayoutResult? DefaultLayout, IReadOnlyList<TlsResult> Tls, IReadOnlyList<PeopleResult> People)
{
    /// <summary>The cli-tls section: the default layout again, every program over TLS verify-full.</summary>
    public DefaultLayoutResult? DefaultLayoutTls { get; init; }
}

/// <summary>Writes the results as JSON and as the Markdown tables that docs/performance.md quotes, with each target judged.</summary>
internal static class Report
{
    public static async Task WriteAsync(BenchResults results, string folder)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "results.json"),
            JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        await File.WriteAllTextAsync(Path.Combine(folder, "results.md"), Markdown(results));
    }

    internal static string F(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Markdown(BenchResults r)
    {
        var md = new StringBuilder();
        var m = r.Machine;
        md.AppendLine($"Measured {r.Started:yyyy-MM-dd HH:mm} UTC in {F(r.TotalSeconds / 60, "0.0")} min: {m.Processors} CPUs ({m.Cpu}), memory {m.Memory}; " +
                      $"{m.PostgreSql}; .NET SDK {m.DotNetSdk} ({m.DotNetRuntime}); {m.Kernel}.");
        md.AppendLine();
        if (r.Sizes.Count > 0)
        {
            md.AppendLine($"Medians of {r.Options.Repeats} runs (above {r.Options.HeavyAbove:N0} tables: {r.Options.HeavyRepeats} plans and converged applies, " +
                      $"{r.Options.HeavyFirstApplyRepeats} first apply, {r.Options.HeavyBaselineRepeats} baseline). " +
                      "Wall time is process start to exit; peak RSS is the median of the runs' peaks (the largest in brackets).");
        md.AppendLine();
        }
        if (r.Sizes.FirstOrDefault(s => s.Tables == r.Options.Large) is { } large)
        {
            md.AppendLine($"### Large: {large.Tables:N0} tables, {large.Functions:N0} functions, {BenchLayout.DeclaredRoles} roles");
            md.AppendLine();
            md.AppendLine("| run | wall time (s) | peak RSS (MiB) | statements executed | statements seen by the server | inspector queries (server ms) | other catalog reads (server ms) |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var s in new[] { large.Plan, large.FirstApply, large.ConvergedApply, large.Baseline })
                md.AppendLine($"| {s.Name} | {F(s.MedianSeconds)} | {F(s.MedianRssMiB, "0.0")} ({F(s.MaxRssMiB, "0.0")}) | " +
                              $"{(s.Name == "psql baseline" ? "–" : F(s.MedianStatements, "0"))} | {F(s.MedianServerStatements, "0")} | " +
                              $"{F(s.MedianInspectorQueries, "0")} ({F(s.MedianInspectorMs, "0")}) | {F(s.Samples.Count == 0 ? 0 : Stats.Median(s.Samples.Select(x => (double)x.Server.OtherReads)), "0")} ({F(s.MedianOtherReadsMs, "0")}) |");
            md.AppendLine();
            md.AppendLine($"psql baseline / converged apply: **{F(large.BaselineRatio, "0.0")}x**.");
            md.AppendLine();
        }
        ExtraSections.DefaultLayout(md, r.DefaultLayout);
        ExtraSections.DefaultLayout(md, r.DefaultLayoutTls);
        if (r.Sizes.Count > 0)
        {
        md.AppendLine("### Growth");
        md.AppendLine();
        md.AppendLine("| tables | functions | fixture build (s) | plan (s) | plan RSS (MiB) | first apply (s) | first apply statements | first apply RSS (MiB) | converged apply (s) | converged apply RSS (MiB) | psql baseline (s) | baseline / apply | inspector queries (plan, apply) |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in r.Sizes)
            md.AppendLine($"| {s.Tables:N0} | {s.Functions:N0} | {F(s.FixtureSeconds, "0")} | {F(s.Plan.MedianSeconds)} | {F(s.Plan.MedianRssMiB, "0.0")} | " +
                          $"{F(s.FirstApply.MedianSeconds)} | {F(s.FirstApply.MedianStatements, "0")} | {F(s.FirstApply.MedianRssMiB, "0.0")} | " +
                          $"{F(s.ConvergedApply.MedianSeconds)} | {F(s.ConvergedApply.MedianRssMiB, "0.0")} | {F(s.Baseline.MedianSeconds)} | {F(s.BaselineRatio, "0.0")}x | " +
                          $"{F(s.Plan.MedianInspectorQueries, "0")}, {F(s.ConvergedApply.MedianInspectorQueries, "0")} |");
        md.AppendLine();
        }
        var lambdaRows = new List<(string Where, ColdStartResult Aot, ColdStartResult Jit)>();
        if (r.ColdAot is not null && r.ColdJit is not null) lambdaRows.Add(("default layout, small database", r.ColdAot, r.ColdJit));
        foreach (var s in r.Sizes.Where(s => s.LambdaAot is not null && s.LambdaJit is not null))
            lambdaRows.Add(($"{s.Tables:N0}-table catalog, 50 roles", s.LambdaAot!, s.LambdaJit!));
        if (lambdaRows.Count > 0)
        {
            md.AppendLine("### Lambda cold start (`\"manage\"` on a converged database)");
            md.AppendLine();
            md.AppendLine("| database | runs | AOT: start → first response (ms) | JIT (ms) | JIT / AOT | AOT peak RSS (MiB) | JIT peak RSS (MiB) |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (where, aot, jit) in lambdaRows)
                md.AppendLine($"| {where} | {aot.Seconds.Count} | {F(aot.MedianSeconds * 1000, "0")} | {F(jit.MedianSeconds * 1000, "0")} | " +
                              $"{F(jit.MedianSeconds / aot.MedianSeconds, "0.0")}x | {F(aot.MedianRssMiB, "0.0")} ({F(aot.MaxRssMiB, "0.0")}) | {F(jit.MedianRssMiB, "0.0")} ({F(jit.MaxRssMiB, "0.0")}) |");
            md.AppendLine();
        }
        ExtraSections.Tls(md, r);
        ExtraSections.People(md, r);
        md.AppendLine("### Targets");
        md.AppendLine();
        foreach (var line in Targets(r)) md.AppendLine($"- {line}");
        return md.ToString();
    }

    private static IEnumerable<string> Targets(BenchResults r)
    {
        static string Verdict(bool met) => met ? "**met**" : "**not met**";
        var inspector = r.Sizes.SelectMany(s => new[] { s.Plan, s.ConvergedApply, s.FirstApply }).SelectMany(s => s.Samples).Select(s => s.Server.Inspector).Distinct().ToList();
        if (inspector.Count > 0)
            yield return $"Inspector at most 6 catalog queries whatever the size: {Verdict(inspector.Count == 1 && inspector[0] <= 6)} " +
                         $"({string.Join(", ", inspector)} per inspection at every size).";
        var large = r.Sizes.FirstOrDefault(s => s.Tables == r.Options.Large);
        if (large is not null)
        {
            yield return $"`plan` on the converged large catalog under 1 s and 128 MiB: {Verdict(large.Plan.MedianSeconds < 1 && large.Plan.MaxRssMiB < 128)} " +
                         $"({F(large.Plan.MedianSeconds)} s, {F(large.Plan.MaxRssMiB, "0.0")} MiB at most).";
            bool zero = r.Sizes.All(s => s.ConvergedApply.Samples.All(x => x.Statements == 0));
            yield return $"Converged `apply` executes zero statements: {Verdict(zero)}; ≥ 3x faster than the psql baseline on large: " +
                         $"{Verdict(large.BaselineRatio >= 3)} ({F(large.BaselineRatio, "0.0")}x).";
            var firsts = r.Sizes.Select(s => $"{F(s.FirstApply.MedianStatements, "0")} at {s.Tables:N0} tables").ToList();
            bool flat = r.Sizes.Select(s => s.FirstApply.MedianStatements).Distinct().Count() == 1;
            yield return $"First `apply` statements grow with roles × schemas, not tables: {Verdict(flat)} ({string.Join(", ", firsts)}; " +
                         $"{BenchLayout.DeclaredRoles} roles, {BenchLayout.SchemaCount} schemas, {BenchLayout.RoleSchemaGrants} role × schema grants).";
        }
        var ten = r.Sizes.FirstOrDefault(s => s.Tables == 10_000);
        var hundred = r.Sizes.FirstOrDefault(s => s.Tables == 100_000);
        if (ten is not null && hundred is not null)
        {
            double growth = hundred.Plan.MedianSeconds / ten.Plan.MedianSeconds;
            yield return $"`plan` time from 10,000 to 100,000 tables grows at most 12x: {Verdict(growth <= 12)} ({F(growth, "0.0")}x).";
        }
        foreach (var line in ExtraSections.Targets(r)) yield return line;
        if (r.ColdAot is not null && r.ColdJit is not null)
        {
            double speedup = r.ColdJit.MedianSeconds / r.ColdAot.MedianSeconds;
            yield return $"Lambda AOT ≥ 5x faster than JIT to first response: {Verdict(speedup >= 5)} ({F(speedup, "0.0")}x); " +
                         $"AOT peak under 64 MiB: {Verdict(r.ColdAot.MaxRssMiB < 64)} ({F(r.ColdAot.MaxRssMiB, "0.0")} MiB at most).";
        }
    }
}
