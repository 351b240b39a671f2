using System.Globalization;
using System.Text;
using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// Issue #19, "adding a reader does not rewrite 10,000 ACLs" (docs/group-roles.md): one schema of
/// <c>--group-tables</c> tables and <c>--group-readers</c> readonly readers, in two databases built alike, one under
/// <c>grant_mode: direct</c> and one under <c>grant_mode: groups</c>. Each round adds one more reader to each
/// (the measured apply: wall time, statements executed), interleaved, then takes it away again as a superuser (not
/// measured). Results: <c>group-grants.md</c> and <c>group-grants.json</c> beside results.md.
/// </summary>
internal sealed class GroupGrantsBench(Fixture fixture, BenchOptions options, Action<string> progress)
{
    public const string Owner = "gg_owner";
    public const string Schema = "app";
    private static readonly string[] Modes = ["direct", "groups"];

    private int Tables => Int("group-tables", 10_000);
    private int Readers => Int("group-readers", 10);
    private int Rounds => Int("group-repeats", 5);

    private int Int(string key, int fallback) =>
        options.Values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string Database(string mode) => $"bench_groups_{mode}";

    private static string Reader(string mode, int i) => $"gg_{mode[0]}_reader_{i:000}";

    private PostgresServer Server => fixture.Server;

    public async Task<string> RunAsync()
    {
        progress($"[group-grants] {Tables:N0} tables, {Readers} readers: add one reader, direct vs groups, {Rounds} interleaved rounds");
        await CleanAsync();
        await BuildAsync();
        foreach (var mode in Modes)
        {
            var first = await ApplyAsync(mode, Readers);
            progress($"  [group-grants] {mode}: {Readers} readers applied in {first.Seconds:0.0} s, {first.Statements} statements");
        }

        var samples = Modes.ToDictionary(m => m, _ => new List<Sample>());
        for (int round = 0; round < Rounds; round++)
        {
            // Alternate which mode goes first, so neither always runs on the warmer cache.
            foreach (var mode in round % 2 == 0 ? Modes : Modes.Reverse())
            {
                await fixture.VacuumCatalogAsync(Database(mode));
                var run = await ApplyAsync(mode, Readers + 1);
                samples[mode].Add(run);
                progress($"  [group-grants] round {round + 1} {mode}: {run.Seconds:0.000} s, {run.Statements} statements, writes {run.WriteMs:0} ms of server time");
                await RemoveReaderAsync(mode, Readers + 1);
            }
        }

        string md = Markdown(samples);
        await File.WriteAllTextAsync(Path.Combine(options.Output, "group-grants.md"), md);
        await File.WriteAllTextAsync(Path.Combine(options.Output, "group-grants.json"), JsonSerializer.Serialize(
            samples.ToDictionary(s => s.Key, s => s.Value.Select(x => new[] { x.Seconds, x.Statements, x.WriteMs }).ToArray()),
            new JsonSerializerOptions { WriteIndented = true }));
        await CleanAsync();
        return md;
    }

    /// <summary>One measured apply: wall time of the CLI, statements it executed, and the server time of its writes.</summary>
    private sealed record Sample(double Seconds, int Statements, double WriteMs);

    private string Markdown(Dictionary<string, List<Sample>> samples)
    {
        double Median(string mode) => Stats.Median(samples[mode].Select(s => s.Seconds));
        var md = new StringBuilder();
        md.AppendLine($"### Adding a reader to a schema of {Tables:N0} tables that {Readers} readers already read");
        md.AppendLine();
        md.AppendLine($"`bench/run --section group-grants`: {Rounds} interleaved rounds; each applies the config with reader {Readers + 1} added (the CLI, `--output json`).");
        md.AppendLine();
        double Writes(string mode) => Stats.Median(samples[mode].Select(s => s.WriteMs));
        md.AppendLine("| grant_mode | median wall time (s) | min – max (s) | statements executed (median) | server time of those statements (median ms) | wall: direct / this | server: direct / this |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var mode in Modes)
            md.AppendLine($"| {mode} | {Median(mode):0.000} | {samples[mode].Min(s => s.Seconds):0.000} – {samples[mode].Max(s => s.Seconds):0.000} | " +
                          $"{Stats.Median(samples[mode].Select(s => (double)s.Statements)):0} | {Writes(mode):0.0} | {Median("direct") / Median(mode):0.00}x | " +
                          $"{Writes("direct") / Math.Max(Writes(mode), 0.001):0.0}x |");
        md.AppendLine();
        return md.ToString();
    }

    private async Task BuildAsync()
    {
        string first = Database(Modes[0]);
        await using (var su = await Server.OpenSuperuserAsync("postgres"))
        {
            await Sql.Exec(su, $"CREATE DATABASE {first} OWNER {PostgresServer.MasterUser}");
            await Sql.Exec(su, $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Owner}') THEN CREATE ROLE {Owner} NOLOGIN; END IF; END $$");
        }
        await fixture.CreateSchemaTablesAsync(first, Owner, Schema, Tables);
        await fixture.CopyAsync(first, Database(Modes[1]));
        progress($"  [group-grants] two databases of {Tables:N0} tables built");
    }

    private async Task<Sample> ApplyAsync(string mode, int readers)
    {
        await ResetStatementsAsync(mode);
        string config = Path.Combine(options.Output, $"group-grants-{mode}-{readers}.yaml");
        var yaml = new StringBuilder($"# Generated by bench/RoleManager.Bench (group-grants).\ndatabase: {Database(mode)}\nauth: none\ngrant_mode: {mode}\n");
        yaml.AppendLine($"schemas: [{{ name: {Schema}, owner: {Owner} }}]");
        yaml.AppendLine("roles:");
        yaml.AppendLine($"  - {{ name: {Owner}, login: false }}");
        for (int i = 1; i <= readers; i++)
            yaml.AppendLine($"  - {{ name: {Reader(mode, i)}, grants: [{{ schema: {Schema}, profile: readonly }}] }}");
        await File.WriteAllTextAsync(config, yaml.ToString());
        string[] arguments = ["apply", "--config", config, "--output", "json", "--sslmode", "disable", "--auth", "none",
            "-h", "127.0.0.1", "-p", Server.Port.ToString(CultureInfo.InvariantCulture), "-U", PostgresServer.MasterUser, "-d", Database(mode),
            "--statement-timeout", "30m"];
        var run = await ProcessMeter.RunAsync(options.Cli, arguments, new Dictionary<string, string?> { ["PGPASSWORD"] = Server.MasterPassword },
            TimeSpan.FromMinutes(30));
        if (run.ExitCode != 0) throw new InvalidOperationException($"group-grants: apply ({mode}, {readers} readers) exited {run.ExitCode}: {run.Stderr}");
        using var json = JsonDocument.Parse(run.Stdout);
        return new Sample(run.Seconds, json.RootElement.GetProperty("statementsExecuted").GetInt32(), await WriteMillisecondsAsync(mode));
    }

    private async Task ResetStatementsAsync(string mode)
    {
        await using var su = await Server.OpenSuperuserAsync("postgres");
        await Sql.Exec(su, $"SELECT pg_stat_statements_reset(0::oid, (SELECT oid FROM pg_database WHERE datname = '{Database(mode)}'), 0::bigint)");
    }

    /// <summary>
    /// Server time (pg_stat_statements) of the apply's writes: what the catalog work costs, apart from the CLI's start,
    /// login and inspection, which are alike in both modes and, on a loaded machine, bury the difference in wall time.
    /// </summary>
    private async Task<double> WriteMillisecondsAsync(string mode)
    {
        await using var su = await Server.OpenSuperuserAsync("postgres");
        return await Sql.Scalar<double>(su, "SELECT coalesce(sum(total_exec_time), 0)::float8 FROM pg_stat_statements " +
            $"WHERE toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = '{Database(mode)}') " +
            "AND query ~* '^\\s*(GRANT|REVOKE|CREATE|ALTER|COMMENT|DROP)'");
    }

    /// <summary>Takes the added reader away again (its grants too), so every round adds the same reader to the same state.</summary>
    private async Task RemoveReaderAsync(string mode, int i)
    {
        await using var conn = await fixture.OpenQuietAsync(Database(mode));
        await Sql.Exec(conn, $"DROP OWNED BY {Reader(mode, i)}; DROP ROLE {Reader(mode, i)}");
    }

    private async Task CleanAsync()
    {
        foreach (var mode in Modes) await fixture.DropAsync(Database(mode));
        await using var su = await Server.OpenSuperuserAsync("postgres");
        foreach (var mode in Modes)
        {
            await Sql.Exec(su, $"DROP ROLE IF EXISTS {string.Join(", ", Enumerable.Range(1, Readers + 1).Select(i => Reader(mode, i)))}");
            await Sql.Exec(su, $"DROP ROLE IF EXISTS \"{Database(mode)}_{Schema}_readonly\"");
        }
    }
}
