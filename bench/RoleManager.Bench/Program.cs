using System.Diagnostics;
using System.Runtime.InteropServices;
using RoleManager.Bench;
using RoleManager.Testing;

// The benchmark behind bench/run: see docs/performance.md for what it measures and the latest results.

var options = BenchOptions.Parse(args);
var total = Stopwatch.StartNew();
var started = DateTimeOffset.UtcNow;
void Progress(string line) => Console.WriteLine($"{total.Elapsed:mm\\:ss} {line}");

foreach (var (file, what) in new[] { (options.Cli, "the role-manager CLI (--cli)"), (ProcessMeter.TimeProgram, "GNU time (apt-get install -y time)") })
    if (!File.Exists(file)) { Console.Error.WriteLine($"error: {what} not found at {file}"); return 1; }
if (options.Lambda)
    foreach (var (file, what) in new[] { (options.BootstrapAot, "the AOT bootstrap (bin/build-lambda-zip)"), (options.BootstrapJit, "the JIT bootstrap.dll (dotnet build -c Release src/RoleManager.Lambda)") })
        if (!File.Exists(file)) { Console.Error.WriteLine($"error: {what} not found at {file}"); return 1; }

Progress("starting a throwaway PostgreSQL (RDS-like: non-superuser master rm_master, rds_iam, pg_stat_statements)");
var server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
try
{
    string psql = options.Psql.Length > 0 ? options.Psql
        : File.Exists(Path.Combine(PostgresServer.FindBinaries(Environment.GetEnvironmentVariable("PG_BIN")), "psql"))
            ? Path.Combine(PostgresServer.FindBinaries(Environment.GetEnvironmentVariable("PG_BIN")), "psql") : "/usr/bin/psql";
    options = options with { Psql = psql };
    var machine = await MachineAsync(server);
    Progress($"PostgreSQL on port {server.Port}: {machine.PostgreSql}; {machine.Processors} CPUs; results to {options.Output}");
    Directory.CreateDirectory(options.Output);

    var counter = StatementCounter.FromRepository(server, options.Repository);
    var fixture = new Fixture(server, Progress);
    await fixture.EnsureOwnersAsync();

    bool lambdaOn = options.Lambda || options.Runs("tls");
    ColdStartBench? lambda = lambdaOn ? new ColdStartBench(server, options, Progress) : null;
    ColdStartResult? coldAot = null, coldJit = null;
    var sizes = new List<SizeResult>();
    DefaultLayoutResult? defaultLayout = null;
    DefaultLayoutResult? defaultLayoutTls = null;
    var tlsResults = new List<TlsResult>();
    var people = new List<PeopleResult>();
    async Task SaveAsync() => await Report.WriteAsync(
        new BenchResults(started, machine, options, sizes, coldAot, coldJit, total.Elapsed.TotalSeconds, defaultLayout, tlsResults, people)
        { DefaultLayoutTls = defaultLayoutTls }, options.Output);

    if (lambda is not null && options.Lambda && options.Runs("lambda"))
    {
        Progress($"[lambda] cold starts on the converged default layout ({options.ColdStarts} per build)");
        await lambda.PrepareDefaultLayoutAsync();
        coldAot = await lambda.MeasureAsync(ColdStartBench.Build.Aot, ColdStartBench.SmallDatabase, new Dictionary<string, string>(), "\"manage\"", options.ColdStarts, "[lambda]");
        coldJit = await lambda.MeasureAsync(ColdStartBench.Build.Jit, ColdStartBench.SmallDatabase, new Dictionary<string, string>(), "\"manage\"", options.ColdStarts, "[lambda]");
        await fixture.DropAsync(ColdStartBench.SmallDatabase);
        await SaveAsync();
    }

    if (options.Runs("catalog"))
    {
        var catalog = new CatalogBench(fixture, counter, options, Progress);
        foreach (int tables in options.Sizes)
        {
            sizes.Add(await catalog.RunAsync(Shape.ForTables(tables), options.Lambda ? lambda : null));
            await SaveAsync();
        }
    }

    var defaults = new DefaultLayoutBench(fixture, counter, options, Progress);
    if (options.Runs("default-layout"))
    {
        Progress($"[default] converged apply vs the psql script, default layout over {options.DefaultTables:N0} tables, {options.DefaultRepeats} interleaved runs");
        defaultLayout = await defaults.RunAsync();
        await SaveAsync();
    }

    if (options.Runs("cli-tls"))
    {
        Progress($"[cli-tls] the same over TLS verify-full (CLI: --sslrootcert, machine CA store in place; psql: PGSSLMODE/PGSSLROOTCERT), {options.DefaultRepeats} interleaved runs");
        var tlsServer = new TlsServer(server, options.Repository);
        await tlsServer.EnableAsync();
        await defaults.EnsureBuiltAsync();
        defaultLayoutTls = await defaults.WithTls(tlsServer).RunAsync();
        await SaveAsync();
    }

    if (options.Runs("tls") && lambda is not null)
    {
        Progress($"[tls] Lambda cold starts with TLS verify-full and SCRAM, {options.TlsColdStarts} interleaved rounds per database");
        var tls = new TlsBench(server, new TlsServer(server, options.Repository), lambda, options, Progress);
        await lambda.PrepareDefaultLayoutAsync();
        tlsResults.Add(await tls.RunAsync("default layout, small database", ColdStartBench.SmallDatabase, new Dictionary<string, string>()));
        await fixture.DropAsync(ColdStartBench.SmallDatabase);
        await SaveAsync();
        await defaults.EnsureBuiltAsync();
        tlsResults.Add(await tls.RunAsync($"default layout, {options.DefaultTables:N0} tables", DefaultLayoutBench.Database,
            new Dictionary<string, string> { ["APP_USER"] = DefaultLayoutBench.App, ["MIGRATOR_USER"] = DefaultLayoutBench.Migrator }));
        await SaveAsync();
    }
    if (options.Runs("evidence")) // issue #31: on the default-layout database, before it is dropped
        Console.WriteLine(await new EvidenceBench(fixture, defaults, options, Progress, options.Lambda ? lambda : null).RunAsync());
    await fixture.DropAsync(DefaultLayoutBench.Database);

    if (options.Runs("people"))
    {
        var bench = new PeopleBench(fixture, options, Progress);
        foreach (int n in options.People)
        {
            people.Add(await bench.RunAsync(n));
            await SaveAsync();
        }
    }
    if (options.Runs("group-grants"))
        Console.WriteLine(await new GroupGrantsBench(fixture, options, Progress).RunAsync());
    if (options.Runs("cluster")) // issue 28: its own cluster.md
        Console.WriteLine(await new ClusterBench(fixture, options, Progress, new TlsServer(server, options.Repository)).RunAsync());
    await SaveAsync();
    Console.WriteLine();
    Console.WriteLine(await File.ReadAllTextAsync(Path.Combine(options.Output, "results.md")));
    Progress($"done; results in {Path.Combine(options.Output, "results.md")} and results.json");
    return 0;
}
finally
{
    await server.StopAsync();
}

static async Task<MachineInfo> MachineAsync(PostgresServer server)
{
    await using var su = await server.OpenSuperuserAsync("postgres");
    string version = await Sql.Scalar<string>(su, "SELECT split_part(version(), ',', 1)");
    string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    string memory = Run("free", "-h").Split('\n').FirstOrDefault(l => l.StartsWith("Mem:", StringComparison.Ordinal)) is { } mem
        ? string.Join(' ', mem.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(1)) + " total" : "unknown";
    return new MachineInfo(Environment.ProcessorCount, cpu, memory, version, Run("dotnet", "--version").Trim(), RuntimeInformation.FrameworkDescription,
        Run("uname", "-sr").Trim());
}

static string Run(string file, string arguments)
{
    try
    {
        using var p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}
