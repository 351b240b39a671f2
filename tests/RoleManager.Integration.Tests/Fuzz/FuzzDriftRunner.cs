using System.Text;

namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>
/// <c>bin/fuzz-drift</c>'s entry point: runs the seeds <c>FUZZ_DRIFT_FROM</c> .. <c>FUZZ_DRIFT_FROM + FUZZ_DRIFT_SEEDS - 1</c>
/// (<c>FUZZ_DRIFT_JOBS</c> at once), shrinks each failure (<c>FUZZ_DRIFT_SHRINK</c>, seconds per failure, default 60; 0: none),
/// and writes the summary and each failure's repro to <c>FUZZ_DRIFT_REPORT</c> (and to the test's message when one fails).
/// Without <c>FUZZ_DRIFT_SEEDS</c> it is skipped (the normal suite runs <see cref="DriftFuzzTests"/>' fixed seeds).
/// </summary>
public class FuzzDriftRunner
{
    /// <summary>A fact that runs only when <c>bin/fuzz-drift</c> names seeds; skipped (not passed) otherwise.</summary>
    private sealed class FuzzDriftFactAttribute : FactAttribute
    {
        public FuzzDriftFactAttribute()
        {
            if (!int.TryParse(Environment.GetEnvironmentVariable("FUZZ_DRIFT_SEEDS"), out int count) || count <= 0)
                Skip = "bin/fuzz-drift runs this with FUZZ_DRIFT_SEEDS set";
        }
    }

    [FuzzDriftFact]
    public async Task Seeds_named_by_the_environment_run_and_each_failure_is_printed_with_its_repro()
    {
        int count = int.Parse(Environment.GetEnvironmentVariable("FUZZ_DRIFT_SEEDS")!, System.Globalization.CultureInfo.InvariantCulture);
        int from = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_DRIFT_FROM"), out int f) ? f : 1;
        int jobs = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_DRIFT_JOBS"), out int j) && j > 0 ? j : 1;
        var shrink = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("FUZZ_DRIFT_SHRINK"), out int s) ? s : 60);
        string report = Environment.GetEnvironmentVariable("FUZZ_DRIFT_REPORT") is { Length: > 0 } path ? path : Path.Combine(Path.GetTempPath(), "fuzz-drift.txt");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = new List<FuzzOutcome>();
        var drawn = new Dictionary<int, int>(); // seed → statements before shrinking
        await Parallel.ForEachAsync(Enumerable.Range(from, count), new ParallelOptions { MaxDegreeOfParallelism = jobs }, async (seed, _) =>
        {
            var outcome = await DriftFuzzer.RunSeedAsync(seed);
            int statements = outcome.Steps.Count;
            if (!outcome.Passed && shrink > TimeSpan.Zero) outcome = await FuzzRepro.ShrinkAsync(outcome, shrink);
            string line = $"seed {seed}: {(outcome.Passed ? "passed" : "FAILED " + FuzzRepro.Signature(outcome))} ({outcome.Elapsed.TotalSeconds:F1} s)\n";
            lock (outcomes) // seeds end at once with --jobs: one writer at a time, or lines are lost
            {
                outcomes.Add(outcome);
                drawn[seed] = statements;
                File.AppendAllText(report + ".progress", line);
            }
        });

        var failed = outcomes.Where(o => !o.Passed).OrderBy(o => o.Seed).ToList();
        var text = new StringBuilder();
        foreach (var outcome in failed)
            text.AppendLine(FuzzRepro.Script(outcome, outcome.Steps.Count < drawn[outcome.Seed] ? $" (shrunk from {drawn[outcome.Seed]} statements to {outcome.Steps.Count})" : "")).AppendLine();
        string byAssertion = string.Join(", ", failed.GroupBy(o => o.Failure!.Assertion).OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()} {g.Key} (seeds {string.Join(" ", g.Select(o => o.Seed))})"));
        int version = outcomes.FirstOrDefault()?.VersionNum ?? 0;
        string summary = $"fuzz-drift: {outcomes.Count} seeds ({from}..{from + count - 1}) on PostgreSQL {version / 10000} in {clock.Elapsed.TotalSeconds:F0} s: " +
            $"{outcomes.Count - failed.Count} passed, {failed.Count} failed{(failed.Count == 0 ? "" : ": " + byAssertion)}";
        text.AppendLine(summary);
        await File.WriteAllTextAsync(report, text.ToString());
        if (failed.Count > 0) Assert.Fail(summary + $"\n(each failure's repro: {report})");
    }
}
