using System.Globalization;

namespace RoleManager.Bench;

/// <summary>The command line of the benchmark (bench/run passes the built programs' paths).</summary>
internal sealed record BenchOptions(
    string Repository, string Output, string Cli, string BootstrapAot, string BootstrapJit, string Psql,
    IReadOnlyList<int> Sizes, int Large, int Repeats, int HeavyAbove, int HeavyRepeats, int HeavyFirstApplyRepeats, int HeavyBaselineRepeats,
    int ColdStarts, int LargeColdStarts, bool Lambda,
    IReadOnlySet<string> Sections, int DefaultTables, int DefaultRepeats, IReadOnlyList<int> People, int PeopleCapSeconds, int TlsColdStarts,
    string? CliBefore, string? BootstrapBefore, int ConvergedOnlyAbove)
{
    /// <summary>The sections, in the order they run; <c>--section</c> picks some.</summary>
    public static readonly string[] AllSections = ["lambda", "catalog", "default-layout", "cli-tls", "tls", "people", "group-grants", "cluster", "evidence"];

    /// <summary>Every --key value as given, for sections that read their own options (group-grants).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    public bool Runs(string section) => Sections.Contains(section);

    public const string Usage = """
        Usage: RoleManager.Bench [options]   (normally through bench/run)
          --repo DIR                   repository root (default: found from the current folder)
          --out DIR                    where results go (default: artifacts/bench)
          --cli FILE                   the role-manager to measure (default: artifacts/bench/cli-aot/role-manager)
          --bootstrap-aot FILE         Native AOT bootstrap (default: artifacts/lambda/bootstrap)
          --bootstrap-jit FILE         JIT bootstrap.dll (default: src/RoleManager.Lambda/bin/Release/net10.0/bootstrap.dll)
          --psql FILE                  psql for the baseline (default: psql beside the server binaries, else on PATH)
          --sizes N,N,...              table counts (default: 1000,10000,100000)
          --large N                    the size reported as "large" (default: 10000)
          --repeats N                  runs per measurement, medians reported (default: 5)
          --heavy-above N              sizes above N use the heavy repeat counts (default: 10000)
          --heavy-repeats N            plan and converged apply runs at heavy sizes (default: 3)
          --heavy-first-apply-repeats N  first applies at heavy sizes (default: 1)
          --heavy-baseline-repeats N   psql baseline runs at heavy sizes (default: 1)
          --cold-starts N              Lambda cold starts per build on the small database (default: 10)
          --large-cold-starts N        Lambda cold starts per build on the large database (default: 3)
          --no-lambda                  skip the Lambda cold starts (the lambda section and the cold starts on large)
          --section NAME[,NAME]        run only these sections: lambda, catalog, default-layout, cli-tls, tls, people, group-grants, cluster, evidence (default: all)
          --default-tables N           tables in the app schema of the default-layout comparison (default: 10000)
          --default-repeats N          interleaved runs of that comparison (default: 9)
          --people N,N,...             login roles of the people-scale section (default: 1000,5000)
          --people-cap SECONDS         time cap of each people-scale measurement (default: 300)
          --tls-cold-starts N          cold starts per row of the TLS section (default: 9)
          --cli-before FILE            a second role-manager build (e.g. before a change), measured interleaved with --cli
                                       in the default-layout section
          --bootstrap-before FILE      a second AOT bootstrap, measured interleaved in the tls section
          --group-tables N             tables of the group-grants section's schema (default: 10000)
          --group-readers N            readers already there before one is added (default: 10)
          --group-repeats N            interleaved rounds of that section (default: 5)
          --cluster-databases N        databases of the cluster section's config (default: 20)
          --cluster-tables N           tables in each of them (default: 1000)
          --cluster-repeats N          interleaved rounds of that section (default: 5)
          --cluster-hold FILE          after the cluster section's first apply, write its connection to FILE and wait until
                                       FILE is deleted (to profile by hand)
          --converged-only-above N     catalog sizes above N measure only the converged plan and apply: the layout is
                                       applied before the tables are created (their grants come from default
                                       privileges), so neither the first apply nor the psql baseline runs
                                       (e.g. --sizes 100000 --converged-only-above 10000; default: off)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool lambda = true;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-lambda") { lambda = false; continue; }
            if (args[i] is "--help" or "-h") { Console.WriteLine(Usage); Environment.Exit(0); }
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Unexpected argument '{args[i]}'.\n{Usage}");
            values[args[i][2..]] = args[++i];
        }
        string repo = Path.GetFullPath(values.GetValueOrDefault("repo") ?? FindRepository());
        string In(string relative) => Path.Combine(repo, relative);
        int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var sizes = List(values.GetValueOrDefault("sizes") ?? "1000,10000,100000");
        return new BenchOptions(
            repo,
            Path.GetFullPath(values.GetValueOrDefault("out") ?? In("artifacts/bench")),
            Path.GetFullPath(values.GetValueOrDefault("cli") ?? In("artifacts/bench/cli-aot/role-manager")),
            Path.GetFullPath(values.GetValueOrDefault("bootstrap-aot") ?? In("artifacts/lambda/bootstrap")),
            Path.GetFullPath(values.GetValueOrDefault("bootstrap-jit") ?? In("src/RoleManager.Lambda/bin/Release/net10.0/bootstrap.dll")),
            values.GetValueOrDefault("psql") ?? "",
            sizes, Int("large", 10000), Int("repeats", 5), Int("heavy-above", 10000), Int("heavy-repeats", 3), Int("heavy-first-apply-repeats", 1), Int("heavy-baseline-repeats", 1),
            Int("cold-starts", 10), Int("large-cold-starts", 3), lambda,
            ParseSections(values.GetValueOrDefault("section")), Int("default-tables", 10000), Int("default-repeats", 9),
            List(values.GetValueOrDefault("people") ?? "1000,5000"), Int("people-cap", 300), Int("tls-cold-starts", 9),
            values.TryGetValue("cli-before", out var cb) ? Path.GetFullPath(cb) : null,
            values.TryGetValue("bootstrap-before", out var bb) ? Path.GetFullPath(bb) : null,
            Int("converged-only-above", int.MaxValue))
        { Values = values };
    }

    private static List<int> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToList();

    private static HashSet<string> ParseSections(string? text)
    {
        if (text is null) return [.. AllSections];
        var picked = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var name in picked)
            if (!AllSections.Contains(name)) throw new ArgumentException($"Unknown section '{name}': use {string.Join(", ", AllSections)}.\n{Usage}");
        return picked;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RoleManager.sln"))) return dir.FullName;
        throw new ArgumentException("Run from inside the repository or pass --repo.");
    }
}
