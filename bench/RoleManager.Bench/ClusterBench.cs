using System.Globalization;
using System.Text;
using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// Issue 28, "a converged run over 20 databases of 1,000 tables each takes at most 3x one database's converged run": one
/// cluster config over <c>--cluster-databases</c> databases of <c>--cluster-tables</c> tables each (copies of one
/// template, schema app owned by a migrator, an app role reading and writing, a reader reading), against the
/// one-database config of the first of them, both converged and applied by the CLI, interleaved round by round
/// (<c>--cluster-repeats</c>), each pair both over TLS verify-full as a user runs it against RDS (<c>--sslrootcert</c> a
/// CA file, the machine's CA store in place, SCRAM) and without TLS. Results: <c>cluster.md</c> and <c>cluster.json</c>
/// beside results.md. <c>--cluster-hold FILE</c> writes the connection and configs to FILE after the first apply and
/// waits until FILE is deleted (to profile by hand against the same server).
/// </summary>
internal sealed class ClusterBench(Fixture fixture, BenchOptions options, Action<string> progress, TlsServer tls)
{
    private const string Template = "bench_cluster_tpl";
    private const string Migrator = "cl_migrator", App = "cl_app", Reader = "cl_reader";
    private static readonly string[] Runs = ["cluster, TLS", "one database, TLS", "cluster", "one database"];

    private int Databases => Int("cluster-databases", 20);
    private int Tables => Int("cluster-tables", 1000);
    private int Rounds => Int("cluster-repeats", 5);

    private int Int(string key, int fallback) =>
        options.Values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string Database(int i) => $"bench_cluster_{i:00}";

    private PostgresServer Server => fixture.Server;

    public async Task<string> RunAsync()
    {
        progress($"[cluster] {Databases} databases of {Tables:N0} tables: a converged cluster run vs one database's, {Rounds} interleaved rounds");
        await CleanAsync();
        await BuildAsync();
        string cluster = await WriteConfigAsync("cluster", Enumerable.Range(1, Databases));
        string one = await WriteConfigAsync("one", [1]);
        await tls.EnableAsync();
        var first = await ApplyAsync(cluster, withTls: true);
        progress($"  [cluster] first apply of the cluster config: {first.Seconds:0.0} s, {first.Statements} statements");
        if (options.Values.TryGetValue("cluster-hold", out var hold)) await HoldAsync(hold, cluster, one);

        var samples = Runs.ToDictionary(r => r, _ => new List<Sample>());
        var floor = new List<(double All, double One)>();
        for (int round = 0; round < Rounds; round++)
        {
            floor.Add((await BareLoginsAsync(Databases), await BareLoginsAsync(1)));
            // Alternate which run goes first, so neither always runs on the warmer cache.
            foreach (var run in round % 2 == 0 ? Runs : Runs.Reverse())
            {
                var sample = await ApplyAsync(run.StartsWith("cluster", StringComparison.Ordinal) ? cluster : one, withTls: run.EndsWith("TLS", StringComparison.Ordinal));
                if (sample.Statements != 0) throw new InvalidOperationException($"cluster: the {run} run was not converged ({sample.Statements} statements executed)");
                samples[run].Add(sample);
                progress($"  [cluster] round {round + 1} {run}: {sample.Seconds:0.000} s, peak RSS {sample.RssMiB:0} MiB");
            }
        }

        string md = Markdown(samples) + FloorMarkdown(floor);
        await File.WriteAllTextAsync(Path.Combine(options.Output, "cluster.md"), md);
        await File.WriteAllTextAsync(Path.Combine(options.Output, "cluster.json"), JsonSerializer.Serialize(
            samples.ToDictionary(s => s.Key, s => s.Value.Select(x => new[] { x.Seconds, x.RssMiB }).ToArray()),
            new JsonSerializerOptions { WriteIndented = true }));
        await CleanAsync();
        return md;
    }

    /// <summary>One converged apply: wall time and peak RSS of the CLI, statements it executed (0 when converged).</summary>
    private sealed record Sample(double Seconds, double RssMiB, int Statements);

    private string Markdown(Dictionary<string, List<Sample>> samples)
    {
        double Median(string run) => Stats.Median(samples[run].Select(s => s.Seconds));
        string Ratio(string run) => run.StartsWith("one", StringComparison.Ordinal) ? "1.00x"
            : $"**{Median(run) / Median(run.Replace("cluster", "one database", StringComparison.Ordinal)):0.00}x**";
        var md = new StringBuilder();
        md.AppendLine($"### A converged run over {Databases} databases of {Tables:N0} tables each vs one such database");
        md.AppendLine();
        md.AppendLine($"`bench/run --section cluster`: {Rounds} interleaved rounds; each is `role-manager apply` (the CLI, `--output json`) of a converged layout: " +
                      $"the cluster config of all {Databases} databases, and the one-database config of the first, over TLS verify-full (`--sslrootcert` the test CA, " +
                      "the machine's CA store in place, SCRAM logins) and without TLS. Load average at the end: " + LoadAverage() + ". Target (issue 28): at most 3x.");
        md.AppendLine();
        md.AppendLine("| run | median wall time (s) | min – max (s) | peak RSS (MiB, median) | cluster / one database |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var run in Runs)
            md.AppendLine($"| {run.Replace("cluster", $"cluster config, {Databases} databases", StringComparison.Ordinal)} | {Median(run):0.000} | " +
                          $"{samples[run].Min(s => s.Seconds):0.000} – {samples[run].Max(s => s.Seconds):0.000} | " +
                          $"{Stats.Median(samples[run].Select(s => s.RssMiB)):0} | {Ratio(run)} |");
        md.AppendLine();
        return md.ToString();
    }

    /// <summary>
    /// The floor of any tool that reads each database over its own connection: psql logging in to the first
    /// <paramref name="count"/> databases over TLS verify-full with SCRAM and running <c>select 1</c>, as many at once as the
    /// tool's runs (4), start to last exit.
    /// </summary>
    private async Task<double> BareLoginsAsync(int count)
    {
        using var slots = new SemaphoreSlim(4);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(1, count).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                var start = new System.Diagnostics.ProcessStartInfo(options.Psql) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-X", "-q", "-A", "-t", "-c", "select 1",
                             $"host=127.0.0.1 port={Server.Port} dbname={Database(i)} user={PostgresServer.MasterUser} sslmode=verify-full sslrootcert={tls.CaFile}" })
                    start.ArgumentList.Add(a);
                foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSSLMODE", "PGSSLROOTCERT" }) start.Environment.Remove(name);
                start.Environment["PGPASSWORD"] = Server.MasterPassword;
                using var p = System.Diagnostics.Process.Start(start)!;
                var stderr = p.StandardError.ReadToEndAsync();
                await p.StandardOutput.ReadToEndAsync();
                await p.WaitForExitAsync();
                if (p.ExitCode != 0) throw new InvalidOperationException($"cluster: psql to {Database(i)} failed: {await stderr}");
            }
            finally { slots.Release(); }
        }));
        return clock.Elapsed.TotalSeconds;
    }

    private string FloorMarkdown(List<(double All, double One)> floor)
    {
        double all = Stats.Median(floor.Select(f => f.All)), one = Stats.Median(floor.Select(f => f.One));
        return $"For scale, in the same rounds: a shell loop over psql that only logs in — `psql -c 'select 1'` over TLS verify-full with SCRAM " +
               $"to each of the {Databases} databases, 4 at a time as the tool runs them (a process per database) — took {all:0.000} s (median) " +
               $"against {one:0.000} s for one database: **{all / one:0.00}x** before reading any catalog.\n\n";
    }

    private async Task BuildAsync()
    {
        await using (var su = await Server.OpenSuperuserAsync("postgres"))
        {
            await Sql.Exec(su, $"CREATE DATABASE {Template} OWNER {PostgresServer.MasterUser}");
            await Sql.Exec(su, $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Migrator}') THEN CREATE ROLE {Migrator} NOLOGIN; END IF; END $$");
        }
        await fixture.CreateSchemaTablesAsync(Template, Migrator, "app", Tables);
        for (int i = 1; i <= Databases; i++) await fixture.CopyAsync(Template, Database(i));
        progress($"  [cluster] {Databases} databases of {Tables:N0} tables built");
    }

    /// <summary>The layout over <paramref name="databases"/>: a cluster config, or (one database) the one-database config.</summary>
    private async Task<string> WriteConfigAsync(string name, IEnumerable<int> databases)
    {
        var yaml = new StringBuilder("# Generated by bench/RoleManager.Bench (cluster).\nauth: none\n");
        const string Schemas = "schemas: [{ name: app, owner: cl_migrator }]";
        string[] perDatabase = [$"{{ name: {App}, search_path: [app], grants: [{{ schema: app, profile: readwrite }}] }}", $"{{ name: {Reader}, grants: [{{ schema: app, profile: readonly }}] }}"];
        var list = databases.ToList();
        if (name == "one")
        {
            yaml.AppendLine($"database: {Database(list[0])}\n{Schemas}\nroles:\n  - {{ name: {Migrator}, login: false }}");
            foreach (var role in perDatabase) yaml.AppendLine($"  - {role}");
        }
        else
        {
            yaml.AppendLine($"roles:\n  - {{ name: {Migrator}, login: false }}\n  - {{ name: {App} }}\n  - {{ name: {Reader} }}\ndatabases:");
            foreach (int i in list)
                yaml.AppendLine($"  - name: {Database(i)}\n    {Schemas}\n    roles: [{string.Join(", ", perDatabase)}]");
        }
        string path = Path.Combine(options.Output, $"cluster-{name}.yaml");
        await File.WriteAllTextAsync(path, yaml.ToString());
        return path;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private async Task HoldAsync(string file, string cluster, string one)
    {
        await File.WriteAllTextAsync(file, $"PGHOST=127.0.0.1\nPGPORT={Server.Port}\nPGUSER={PostgresServer.MasterUser}\nPGPASSWORD={Server.MasterPassword}\n" +
                                           $"CA={tls.CaFile}\nCLUSTER={cluster}\nONE={one}\n");
        progress($"  [cluster] holding: {file} (delete it to go on)");
        while (File.Exists(file)) await Task.Delay(1000);
    }

    private string[] Arguments(string config, bool withTls) =>
        ["apply", "--config", config, "--output", "json", .. withTls ? ["--sslmode", "verify-full", "--sslrootcert", tls.CaFile] : (string[])["--sslmode", "disable"],
         "--auth", "none", "-h", "127.0.0.1", "-p", Server.Port.ToString(CultureInfo.InvariantCulture), "-U", PostgresServer.MasterUser,
         "--statement-timeout", "30m"];

    private async Task<Sample> ApplyAsync(string config, bool withTls)
    {
        string[] arguments = Arguments(config, withTls);
        var run = await ProcessMeter.RunAsync(options.Cli, arguments, new Dictionary<string, string?> { ["PGPASSWORD"] = Server.MasterPassword }, TimeSpan.FromMinutes(30));
        if (run.ExitCode != 0) throw new InvalidOperationException($"cluster: apply of {config} exited {run.ExitCode}: {run.Stderr}");
        using var json = JsonDocument.Parse(run.Stdout);
        int statements = json.RootElement.TryGetProperty("databases", out var databases)
            ? databases.EnumerateArray().Sum(d => d.GetProperty("statementsExecuted").GetInt32())
            : json.RootElement.GetProperty("statementsExecuted").GetInt32();
        return new Sample(run.Seconds, run.PeakRssMiB, statements);
    }

    private async Task CleanAsync()
    {
        for (int i = 1; i <= Math.Max(Databases, 20); i++) await fixture.DropAsync(Database(i));
        await fixture.DropAsync(Template);
        await using var su = await Server.OpenSuperuserAsync("postgres");
        await Sql.Exec(su, $"DROP ROLE IF EXISTS {App}, {Reader}");
    }
}
