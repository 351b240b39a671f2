using System.Globalization;
using System.Text.RegularExpressions;
using RoleManager.Execute;
using RoleManager.UseCases;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// The figures the README and docs quote (speed, counts, limits) are the ones measured or built: each is read from
/// the doc's own sentence and compared with the latest table of docs/performance.md, the files on disk or the code.
/// </summary>
public partial class DocsFigureTests
{
    private const string DefaultLayout = "Default layout (app + migrator) over 10,000 tables: converged apply vs the psql script";
    private const string DefaultLayoutTls = DefaultLayout + ", TLS verify-full (the CLI against a CA file with the machine's CA store in place, as on RDS)";
    private const string ColdStart = "Lambda cold start with TLS verify-full and a SCRAM password login…";
    private const string Reader = "Adding a reader to a schema of 10,000 tables that 10 readers already read";
    private const string People = "People scale: login roles…";
    private const string Evidence = "Evidence check over 10,000 tables…";

    /// <summary>
    /// A figure a doc states (the regex's group <c>v</c>, read from the doc with line breaks as spaces) and the cell of
    /// docs/performance.md that measured it: the first table under that heading, the row starting so, the column.
    /// </summary>
    public static TheoryData<string, string, string, string, string> MeasuredFigures() => new()
    {
        { "README.md", @"converged `apply` is \*\*(?<v>[\d.]+)x\*\* faster than re-running", DefaultLayout, "apply (converged) |", "psql script / this" },
        { "README.md", @"psql` script \(without TLS: (?<v>[\d.]+) s vs [\d.]+ s, medians", DefaultLayout, "apply (converged) |", "median wall time (s)" },
        { "README.md", @"psql` script \(without TLS: [\d.]+ s vs (?<v>[\d.]+) s, medians", DefaultLayout, "psql script |", "median wall time (s)" },
        { "README.md", @"inspection's own queries \((?<v>[\d.]+) s\)", DefaultLayout, "psql sending the inspection's queries (the floor)", "median wall time (s)" },
        { "README.md", @"which is itself only (?<v>[\d.]+)x faster than the script", DefaultLayout, "psql sending the inspection's queries (the floor)", "psql script / this" },
        { "README.md", @"the machine's CA store in place, as on RDS, it is \*\*(?<v>[\d.]+)x\*\*", DefaultLayoutTls, "apply (converged) |", "psql script / this" },
        { "README.md", @"as on RDS, it is \*\*[\d.]+x\*\* \((?<v>[\d.]+) s vs", DefaultLayoutTls, "apply (converged) |", "median wall time (s)" },
        { "README.md", @"as on RDS, it is \*\*[\d.]+x\*\* \([\d.]+ s vs (?<v>[\d.]+) s[;)]", DefaultLayoutTls, "psql script |", "median wall time (s)" },
        { "README.md", @"was (?<v>\d+)x faster than its 1,100-statement script", "Growth", "10,000 |", "baseline / apply" },
        { "README.md", @"converged `plan` over 100,000 tables takes (?<v>[\d.]+) s", "Growth: 100,000 tables…", "100,000 |", "plan (s)" },
        { "README.md", @"one membership: (?<v>\d+) statements", Reader, "groups |", "statements executed (median)" },
        { "README.md", @"statements and (?<v>[\d.]+) ms of server time", Reader, "groups |", "server time of those statements (median ms)" },
        { "README.md", @"of server time instead of (?<v>\d+) ms", Reader, "direct |", "server time of those statements (median ms)" },
        { "README.md", @"proves 1,000 login roles in (?<v>[\d.]+) s", People, "1,000 |", "check" },
        { "README.md", @"and 5,000 in (?<v>\d+) s", People, "5,000 |", "check" },
        { "README.md", @"dropping 5,000 roles takes (?<v>[\d.]+) s", People, "5,000 |", "drop all" },
        { "README.md", @"first event (?<v>\d+) ms after process start without TLS", ColdStart, "default layout, small database | AOT function, no TLS, SCRAM", "median (ms)" },
        { "README.md", @"\*\*(?<v>\d+) ms with TLS verify-full and a SCRAM login\*\*", ColdStart, "default layout, small database | AOT function, TLS verify-full + SCRAM, RDS bundle + CA (88", "median (ms)" },
        { "README.md", @"\(bare `psql` (?<v>\d+) ms\)", ColdStart, "default layout, small database | psql -c 'select 1', TLS verify-full + SCRAM", "median (ms)" },
        { "README.md", @"on 10,000 tables (?<v>\d+) ms, the time psql takes", ColdStart, "default layout, 10,000 tables | AOT function, TLS verify-full + SCRAM, RDS bundle + CA (88", "median (ms)" },
        { "README.md", @"the time psql takes to send the same reads over the same TLS", ColdStart, "default layout, 10,000 tables | psql sending the inspection's queries, TLS verify-full + SCRAM (the floor)", "median (ms)" },
        { "docs/group-roles.md", @"the latest run\): direct (?<v>[\d.]+) s and", Reader, "direct |", "median wall time (s)" },
        { "docs/group-roles.md", @"the latest run\): direct [\d.]+ s and (?<v>[\d.]+) ms of server time", Reader, "direct |", "server time of those statements (median ms)" },
        { "docs/group-roles.md", @"of server time, groups (?<v>[\d.]+) s and", Reader, "groups |", "median wall time (s)" },
        { "docs/group-roles.md", @"of server time, groups [\d.]+ s and (?<v>[\d.]+) ms", Reader, "groups |", "server time of those statements (median ms)" },
        { "docs/group-roles.md", @"\*\*(?<v>[\d.]+)x\*\* in wall time", Reader, "groups |", "wall: direct / this" },
        { "docs/group-roles.md", @"in wall time and (?<v>[\d.]+)x in server time", Reader, "groups |", "server: direct / this" },
        { "docs/compliance.md", @"plain `check` (?<v>[\d.]+) s", Evidence, "check |", "median wall time (s)" },
        { "docs/compliance.md", @"\(moto\) \*\*(?<v>[\d.]+) s \([\d.]+x\)\*\*", Evidence, "check --evidence (S3)", "median wall time (s)" },
        { "docs/compliance.md", @"\(moto\) \*\*[\d.]+ s \((?<v>[\d.]+)x\)\*\*", Evidence, "check --evidence (S3)", "/ plain check" },
        { "docs/compliance.md", @"`check --evidence DIR` (?<v>[\d.]+) s", Evidence, "check --evidence DIR", "median wall time (s)" },
        { "docs/compliance.md", @"`check --evidence DIR` [\d.]+ s \((?<v>[\d.]+)x\)", Evidence, "check --evidence DIR", "/ plain check" },
    };

    [Theory]
    [MemberData(nameof(MeasuredFigures))]
    public void A_figure_the_docs_quote_is_the_latest_measured_in_performance_md(string file, string claim, string heading, string row, string column)
    {
        var said = DocText.Says(file, claim);
        string measured = DocText.Cell("docs/performance.md", heading, row, column);
        if (!said.Groups["v"].Success)
        {
            // "the time psql takes to send the same reads": the function's time is the floor's, to the millisecond.
            string function = DocText.Cell("docs/performance.md", heading, "default layout, 10,000 tables | AOT function, TLS verify-full + SCRAM, RDS bundle + CA (88", column);
            Assert.Equal(Number(measured), Number(function));
            return;
        }
        string stated = said.Groups["v"].Value;
        int decimals = stated.Contains('.') ? stated.Length - stated.IndexOf('.') - 1 : 0;
        Assert.True(Math.Round(Number(measured), decimals, MidpointRounding.AwayFromZero) == Number(stated),
            $"{file} says {stated} (/{claim}/); docs/performance.md \"{heading}\", {row}, {column}: {measured}");
    }

    /// <summary>The first number of a cell such as "**2.76x**", "6.8 s", "3.3 s, 50 statements" or "258.4".</summary>
    private static double Number(string cell) =>
        double.Parse(Regex.Match(Regex.Replace(cell, @"[,\s]", ""), @"\d+(\.\d+)?").Value, CultureInfo.InvariantCulture);

    [Fact]
    public void The_readmes_reliability_figures_are_reliability_mds_and_the_corpora_on_disk()
    {
        string readme = DocText.Flat("README.md");
        string reliability = DocText.Flat("docs/reliability.md");
        int Said(string text, string pattern) => (int)Number(Regex.Match(text, pattern) is { Success: true } m ? m.Groups["v"].Value : throw new Xunit.Sdk.XunitException($"not said: /{pattern}/"));

        Assert.Equal(Said(reliability, @"\*\*(?<v>\d+) faults injected"), Said(readme, @"atomic \((?<v>\d+) injected faults"));
        int badConfigs = Directory.GetFiles(Path.Combine(DocText.Root, "tests/RoleManager.Integration.Tests/TestData/bad-configs"), "*.yaml").Length;
        int badEvents = Directory.GetFiles(Path.Combine(DocText.Root, "tests/RoleManager.Lambda.Tests/TestData/bad-events")).Length;
        Assert.Equal(badConfigs, Said(reliability, @"\(\*\*(?<v>\d+) files\*\*\)"));
        Assert.Equal(badEvents, Said(reliability, @"\(\*\*(?<v>\d+) events\*\*\)"));
        int hostile = Said(reliability, @"\(\*\*(?<v>\d+) generated\*\* configs");
        Assert.Equal(badConfigs + hostile + badEvents, Said(reliability, @"\*\*(?<v>\d+) bad inputs"));
        Assert.Equal(badConfigs + hostile + badEvents, Said(readme, @"(?<v>\d+) hostile inputs"));
        Assert.Equal(2000, Said(readme, @"(?<v>\d,\d{3}) fuzzed configs"));
        Assert.Equal(2000, Said(reliability, @"\*\*(?<v>\d \d{3}) seeded mutations"));
        string fuzz = File.ReadAllText(Path.Combine(DocText.Root, "tests/RoleManager.Reliability.Tests/ConfigFuzzTests.cs"));
        Assert.Contains("public const int Iterations = 2000;", fuzz);

        // "the suite passes on PostgreSQL 13 to 18": the majors of reliability.md's versions table, each with 0 failed.
        var range = Regex.Match(readme, @"passes on PostgreSQL (?<from>\d+) to (?<to>\d+)");
        Assert.True(range.Success);
        var (_, rows) = DocText.TableUnder("docs/reliability.md", "Versions");
        var majors = rows.Where(r => r[2].Contains(" 0 failed", StringComparison.Ordinal)).Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)).ToList();
        int from = int.Parse(range.Groups["from"].Value, CultureInfo.InvariantCulture), to = int.Parse(range.Groups["to"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(from, to - from + 1), majors);
    }

    [Fact]
    public void The_counts_the_docs_give_of_certificates_queries_and_packages_are_the_repositorys()
    {
        static int Certificates(string file) => Regex.Matches(File.ReadAllText(Path.Combine(DocText.Root, file)), "-----BEGIN CERTIFICATE-----").Count;
        string security = DocText.Flat("docs/security.md");
        Assert.Equal(Certificates("assets/rds-ca-bundle.pem"), (int)Number(Regex.Match(security, @"instead of all (?<v>\d+) of the RDS bundle").Groups["v"].Value is { Length: > 0 } v ? v : "-1"));
        Assert.Equal(Certificates("assets/aws-trust/aws-roots.pem"), Words[Regex.Match(security, @"trusts the (?<v>\w+) Amazon Trust Services roots the zip carries").Groups["v"].Value]);

        // "seven fixed queries" (README, report.md): the report's embedded queries.
        int queries = Directory.GetFiles(Path.Combine(DocText.Root, "src/RoleManager.Core/Audit/Queries"), "*.sql").Length;
        foreach (string file in new[] { "README.md", "docs/report.md" })
            Assert.Equal(queries, Words[Regex.Match(DocText.Flat(file), @"with (?<v>\w+) fixed queries").Groups["v"].Value]);

        // "AWSSDK.S3 (4.1.0.1)": the version the build pins.
        string props = File.ReadAllText(Path.Combine(DocText.Root, "Directory.Packages.props"));
        string pinned = Regex.Match(props, @"Include=""AWSSDK.S3"" Version=""(?<v>[^""]+)""").Groups["v"].Value;
        Assert.Contains($"AWSSDK.S3 ({pinned})", DocText.Read("docs/compliance.md"));
    }

    private static readonly Dictionary<string, int> Words = new(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9,
    };

    [Fact]
    public void The_limits_the_readme_states_are_the_programs_defaults()
    {
        string readme = DocText.Flat("README.md");
        var request = new RunRequest(RunAction.Plan, false, null!, null!, _ => null, ExecutionOptions.Default);
        double Said(string pattern) => Regex.Match(readme, pattern) is { Success: true } m ? Number(m.Groups["v"].Value) : throw new Xunit.Sdk.XunitException($"README no longer says /{pattern}/");

        Assert.Equal(request.ConnectPatience.TotalSeconds, Said(@"tried again with backoff for up to (?<v>\d+) s"));
        Assert.Equal(request.ConflictAttempts, Said(@"retried from a fresh inspection, up to (?<v>\d+) attempts in all"));
        // The connect timeout lives in the connection factory (libpq's connect_timeout, in seconds).
        string factory = File.ReadAllText(Path.Combine(DocText.Root, "src/RoleManager.Core/Connect/NpgsqlConnectionFactory.cs"));
        Assert.Contains($"TimeSpan.FromSeconds({Said(@"within the (?<v>\d+) s connect timeout")})", factory);
        // The command-line block shows the defaults: [--lock-timeout 10s] [--statement-timeout 5m].
        Assert.Equal(ExecutionOptions.Default.LockTimeout.TotalSeconds, Said(@"\[--lock-timeout (?<v>\d+)s\]"));
        Assert.Equal(ExecutionOptions.Default.StatementTimeout.TotalMinutes, Said(@"\[--statement-timeout (?<v>\d+)m\]"));
    }

    /// <summary>
    /// A value a doc states (group <c>v</c> of its sentence) and the file that enforces it, where <c>{v}</c> in the
    /// file's pattern stands for the value as stated.
    /// </summary>
    public static TheoryData<string, string, string, string> EnforcedValues() => new()
    {
        { "docs/aws-setup.md", @"Terraform (?<v>[\d.]+) or later", "infra/modules/role-manager/versions.tf", @"required_version = "">= {v}(\.0)?""" },
        { "docs/aws-setup.md", @"Terraform (?<v>[\d.]+) or later", "infra/examples/aurora-postgresql/versions.tf", @"required_version = "">= {v}(\.0)?""" },
        { "README.md", @"The binary needs glibc ≤ (?<v>[\d.]+)", "bin/build-lambda-zip", @"max_glibc={v}\n" },
        { "README.md", @"the last line is ""(?<v>N passed, N failed, N skipped)""", "bin/test", @"echo ""\$passed passed, \$failed failed, \$skipped skipped""" },
    };

    [Theory]
    [MemberData(nameof(EnforcedValues))]
    public void A_value_the_docs_state_is_the_one_the_repository_enforces(string file, string sentence, string enforcer, string pattern)
    {
        var said = DocText.Says(file, sentence);
        string expected = pattern.Replace("{v}", Regex.Escape(said.Groups["v"].Value), StringComparison.Ordinal);
        Assert.Matches(expected, File.ReadAllText(Path.Combine(DocText.Root, enforcer)));
    }
}

