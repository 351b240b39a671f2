using System.Diagnostics;
using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// The catalog measurements at one size, all with the published CLI as a separate process:
/// the first apply onto existing objects (each on a fresh copy of the template), then on the converged database
/// <c>plan</c>, <c>apply</c> and the psql baseline script.
/// </summary>
internal sealed class CatalogBench(Fixture fixture, StatementCounter counter, BenchOptions options, Action<string> progress)
{
    public const string Database = "bench_run";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    private PostgresServer Server => fixture.Server;

    public async Task<SizeResult> RunAsync(Shape shape, ColdStartBench? lambda)
    {
        if (shape.Tables > options.ConvergedOnlyAbove) return await ConvergedOnlyAsync(shape);
        string template = $"bench_fx_{shape.Tables}";
        progress($"[{shape.Label}] building {shape}");
        var clock = Stopwatch.StartNew();
        await fixture.BuildTemplateAsync(template, shape);
        double fixtureSeconds = clock.Elapsed.TotalSeconds;

        string config = Path.Combine(options.Output, "bench-config.yaml");
        string baseline = Path.Combine(options.Output, "baseline.sql");
        await File.WriteAllTextAsync(config, BenchLayout.ConfigYaml(Database));
        await File.WriteAllTextAsync(baseline, BenchLayout.BaselineSql(Database));

        int heavy = shape.Tables > options.HeavyAbove ? 1 : 0;
        int firstRepeats = heavy == 1 ? options.HeavyFirstApplyRepeats : options.Repeats;
        int repeats = heavy == 1 ? options.HeavyRepeats : options.Repeats;
        int baselineRepeats = heavy == 1 ? options.HeavyBaselineRepeats : options.Repeats;

        var first = new List<Sample>();
        double copySeconds = 0;
        for (int r = 1; r <= firstRepeats; r++)
        {
            clock.Restart();
            await fixture.CopyAsync(template, Database);
            copySeconds = clock.Elapsed.TotalSeconds;
            var sample = await CliAsync("apply", config, "--lock-timeout", "60s", "--statement-timeout", "30m");
            first.Add(sample);
            progress($"  [{shape.Label}] first apply {r}/{firstRepeats}: {Describe(sample)} (copy {copySeconds:0.0} s)");
            if (r < firstRepeats) await fixture.ResetAsync(Database);
        }
        await fixture.DropAsync(template);
        await fixture.VacuumCatalogAsync(Database);

        await CliAsync("plan", config); // warm-up: server caches and the OS page cache, not counted
        var plan = new List<Sample>();
        for (int r = 1; r <= repeats; r++)
        {
            var sample = await CliAsync("plan", config);
            if (sample.Changes != 0) throw new InvalidOperationException($"plan on the converged {shape.Label} database is not empty ({sample.Changes} changes).");
            plan.Add(sample);
            progress($"  [{shape.Label}] plan (converged) {r}/{repeats}: {Describe(sample)}");
        }
        var converged = new List<Sample>();
        for (int r = 1; r <= repeats; r++)
        {
            var sample = await CliAsync("apply", config);
            if (sample.Statements != 0) throw new InvalidOperationException($"apply on the converged {shape.Label} database executed {sample.Statements} statements.");
            converged.Add(sample);
            progress($"  [{shape.Label}] apply (converged) {r}/{repeats}: {Describe(sample)}");
        }

        ColdStartResult? aot = null, jit = null;
        if (lambda is not null && shape.Tables == options.Large)
        {
            var environment = new Dictionary<string, string> { ["ROLE_MANAGER_CONFIG"] = await File.ReadAllTextAsync(config) };
            aot = await lambda.MeasureAsync(ColdStartBench.Build.Aot, Database, environment, "\"manage\"", options.LargeColdStarts, $"[{shape.Label}] lambda");
            jit = await lambda.MeasureAsync(ColdStartBench.Build.Jit, Database, environment, "\"manage\"", options.LargeColdStarts, $"[{shape.Label}] lambda");
        }

        // Last: each run of the script rewrites every catalog row it grants on, leaving dead rows behind.
        var script = new List<Sample>();
        for (int r = 1; r <= baselineRepeats; r++)
        {
            var sample = await PsqlAsync(baseline);
            script.Add(sample);
            progress($"  [{shape.Label}] psql baseline {r}/{baselineRepeats}: {Describe(sample)}");
            await fixture.VacuumCatalogAsync(Database);
        }
        var after = await CliAsync("plan", config);
        if (after.Changes != 0) throw new InvalidOperationException($"the baseline script changed the converged {shape.Label} database ({after.Changes} changes planned after it).");

        await fixture.ResetAsync(Database);
        return new SizeResult(shape.Tables, shape.Functions, fixtureSeconds, copySeconds,
            new Series("first apply", first), new Series("plan (converged)", plan), new Series("apply (converged)", converged),
            new Series("psql baseline", script), aot, jit);
    }

    /// <summary>
    /// <c>--converged-only-above</c>: the database is built converged (the layout applied to the empty schemas, then
    /// the tables created by their owners, whose default privileges grant them), so the converged <c>plan</c> and
    /// <c>apply</c> are measured without the first apply and psql baseline (3 minutes each at 100,000 tables).
    /// </summary>
    private async Task<SizeResult> ConvergedOnlyAsync(Shape shape)
    {
        string config = Path.Combine(options.Output, "bench-config.yaml");
        await File.WriteAllTextAsync(config, BenchLayout.ConfigYaml(Database));
        progress($"[{shape.Label}] building {shape} converged (layout applied before the tables; first apply and baseline not measured)");
        var clock = Stopwatch.StartNew();
        await fixture.BuildTemplateAsync(Database, shape, beforeTables: () => CliAsync("apply", config, "--lock-timeout", "60s", "--statement-timeout", "30m"));
        double fixtureSeconds = clock.Elapsed.TotalSeconds;
        // Whatever default privileges cannot express (none expected) is converged here, untimed.
        var rest = await CliAsync("apply", config, "--lock-timeout", "60s", "--statement-timeout", "30m");
        if (rest.Changes != 0) progress($"  [{shape.Label}] converging after the build needed {rest.Changes} changes");
        await fixture.VacuumCatalogAsync(Database);

        await CliAsync("plan", config); // warm-up, not counted
        int repeats = shape.Tables > options.HeavyAbove ? options.HeavyRepeats : options.Repeats;
        var plan = new List<Sample>();
        var converged = new List<Sample>();
        for (int r = 1; r <= repeats; r++)
        {
            var p = await CliAsync("plan", config);
            if (p.Changes != 0) throw new InvalidOperationException($"plan on the converged {shape.Label} database is not empty ({p.Changes} changes).");
            plan.Add(p);
            progress($"  [{shape.Label}] plan (converged) {r}/{repeats}: {Describe(p)}");
            var a = await CliAsync("apply", config);
            if (a.Statements != 0) throw new InvalidOperationException($"apply on the converged {shape.Label} database executed {a.Statements} statements.");
            converged.Add(a);
            progress($"  [{shape.Label}] apply (converged) {r}/{repeats}: {Describe(a)}");
        }
        await fixture.ResetAsync(Database);
        return new SizeResult(shape.Tables, shape.Functions, fixtureSeconds, 0,
            new Series("first apply (not measured)", []), new Series("plan (converged)", plan), new Series("apply (converged)", converged),
            new Series("psql baseline (not measured)", []), null, null);
    }

    private static string Describe(Sample s) =>
        $"{s.Seconds:0.000} s, {s.PeakRssMiB:0.0} MiB, {s.Statements} statements executed, {s.Changes} changes, " +
        $"server ran {s.Server.Total} statements ({s.Server.Inspector} inspector queries: {s.Server.InspectorMs:0} ms, " +
        $"{s.Server.OtherReads} other reads: {s.Server.OtherReadsMs:0} ms)";

    private async Task<Sample> CliAsync(string command, string config, params string[] extra)
    {
        string[] arguments = [command, "--config", config, "--output", "json", "--sslmode", "disable",
            "-h", "127.0.0.1", "-p", Server.Port.ToString(), "-U", PostgresServer.MasterUser, "-d", Database, .. extra];
        await counter.ResetAsync(Database);
        var run = await ProcessMeter.RunAsync(options.Cli, arguments, new Dictionary<string, string?> { ["PGPASSWORD"] = Server.MasterPassword }, Timeout);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"role-manager {command} exited {run.ExitCode}:\n{run.Stderr}\n{Truncate(run.Stdout)}");
        var server = await counter.ReadAsync(Database);
        using var json = JsonDocument.Parse(run.Stdout);
        int statements = json.RootElement.GetProperty("statementsExecuted").GetInt32();
        int changes = json.RootElement.GetProperty("changes").GetArrayLength();
        return new Sample(run.Seconds, run.PeakRssMiB, statements, changes, server);
    }

    private async Task<Sample> PsqlAsync(string script)
    {
        string[] arguments = ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Server.Port.ToString(),
            "-U", PostgresServer.SuperUser, "-d", Database, "-f", script];
        await counter.ResetAsync(Database);
        var run = await ProcessMeter.RunAsync(options.Psql, arguments, new Dictionary<string, string?> { ["PGPASSWORD"] = Server.SuperPassword }, Timeout);
        if (run.ExitCode != 0) throw new InvalidOperationException($"psql exited {run.ExitCode}:\n{run.Stderr}");
        var server = await counter.ReadAsync(Database);
        return new Sample(run.Seconds, run.PeakRssMiB, (int)server.Total, 0, server);
    }

    private static string Truncate(string text) => text.Length > 2000 ? text[..2000] + "…" : text;
}
