using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// Every script the README and docs/*.md tell a reader to run (`bin/…`, `bench/run`) exists, answers `--help`, and
/// lists in that help each option the docs give it: the scripts' side of ReadmeClaimsTests' flag check.
/// </summary>
public partial class DocsScriptTests
{
    [Fact]
    public async Task Every_script_the_docs_name_answers_help_and_lists_each_option_the_docs_give_it()
    {
        var given = new SortedDictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string file in DocText.Files)
            foreach (Match use in ScriptUse().Matches(DocText.Read(file)))
            {
                string script = use.Groups[1].Value, args = use.Groups[2].Value;
                foreach (string end in new[] { " #", " -- ", "`", " |", " &&", "; " })
                    if (args.IndexOf(end, StringComparison.Ordinal) is >= 0 and var at) args = args[..at];
                if (!given.TryGetValue(script, out var flags)) given[script] = flags = [];
                foreach (Match flag in Flag().Matches(args)) flags.Add(flag.Value);
            }
        Assert.True(given.Count >= 8, "the docs name fewer scripts than expected: " + string.Join(", ", given.Keys));
        Assert.True(given.Values.Sum(f => f.Count) >= 8, "the docs give the scripts fewer options than expected");

        var problems = new List<string>();
        foreach (var (script, flags) in given)
        {
            string path = Path.Combine(DocText.Root, script);
            if (Directory.Exists(path)) continue; // bin/lib: a folder the docs point at, not a command
            if (!File.Exists(path)) { problems.Add($"{script}: named in the docs, not in the repository"); continue; }
            var (exit, output) = await HelpAsync(path);
            if (exit != 0) { problems.Add($"{script} --help exits {exit}: {output}"); continue; }
            foreach (string flag in flags.Where(f => !output.Contains(f, StringComparison.Ordinal)))
                problems.Add($"{script} --help does not list {flag}, which the docs give it");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Bin_demo_runs_the_commands_the_readme_says_in_that_order()
    {
        // README: "bin/demo    # starts a throwaway PostgreSQL on 127.0.0.1, runs plan → apply → check → plan, stops it"
        var said = Regex.Match(DocText.Read("README.md"), @"bin/demo +#.*?runs (?<steps>[a-z]+(?: → [a-z]+)+)");
        Assert.True(said.Success, "the README no longer says what bin/demo runs");
        string demo = File.ReadAllText(Path.Combine(DocText.Root, "bin/demo"));
        var run = Regex.Matches(demo, @"^""\$RM"" (?<command>[a-z]+)", RegexOptions.Multiline).Select(m => m.Groups["command"].Value).ToList();
        Assert.Equal(said.Groups["steps"].Value.Split(" → "), run.Where(c => c != "report"));
    }

    [Fact]
    public void Bin_test_runs_the_majors_and_shapes_postgres_shapes_md_says()
    {
        // "`bin/test` runs the integration project on 13 and 17 and the shape tests (...) on 13 `rds`, 15 `upgraded` and 17 `rds`."
        string doc = DocText.Flat("docs/postgres-shapes.md");
        var said = Regex.Match(doc, @"`bin/test` runs the integration project on (?<majors>[\d, and]+?) and the shape tests \([^)]*\) on (?<shapes>[^.]+)\.");
        Assert.True(said.Success, "docs/postgres-shapes.md no longer says what bin/test runs");
        var majors = Regex.Matches(said.Groups["majors"].Value, @"\d+").Select(m => m.Value).ToList();
        var shapes = Regex.Matches(said.Groups["shapes"].Value, @"(?<major>\d+) `(?<shape>\w+)`").Select(m => $"{m.Groups["major"].Value} {m.Groups["shape"].Value}").ToList();

        // bin/test: "ci_run MAJOR SHAPE NAME [args]"; "default" is the suite's own PostgreSQL, Debian's 15.
        var runs = Regex.Matches(File.ReadAllText(Path.Combine(DocText.Root, "bin/test")), @"^\s*ci_run (?<major>\w+) (?<shape>\w+) \S+(?<filter> --filter ""[^""]*Shapes[^""]*"")?", RegexOptions.Multiline)
            .Select(m => (Major: m.Groups["major"].Value == "default" ? "15" : m.Groups["major"].Value, Shape: m.Groups["shape"].Value, Shapes: m.Groups["filter"].Success)).ToList();
        Assert.Equal(majors, runs.Where(r => !r.Shapes && r.Shape == "plain").Select(r => r.Major));
        Assert.Equal(shapes, runs.Where(r => r.Shapes).Select(r => $"{r.Major} {r.Shape}"));
    }

    [Fact]
    public void The_number_of_cases_the_docs_give_a_test_class_is_its_number_of_cases()
    {
        // "`TlsAttackTests` (36 cases: ...)": each [Fact] is one case, each [InlineData] of a theory one more.
        var counted = DocText.Files.SelectMany(f => Regex.Matches(DocText.Flat(f), @"`(?<type>\w+Tests)` \((?<n>\d+) cases")
            .Select(m => (File: f, Type: m.Groups["type"].Value, Cases: int.Parse(m.Groups["n"].Value)))).ToList();
        Assert.NotEmpty(counted);
        foreach (var (file, type, cases) in counted)
        {
            string source = File.ReadAllText(Directory.GetFiles(Path.Combine(DocText.Root, "tests"), type + ".cs", SearchOption.AllDirectories).Single());
            int real = Regex.Matches(source, @"^\s*\[(Fact|InlineData)\b", RegexOptions.Multiline).Count;
            Assert.True(real == cases, $"{file} says {type} has {cases} cases; it has {real}");
        }
    }

    private static async Task<(int Exit, string Output)> HelpAsync(string script)
    {
        var psi = new ProcessStartInfo(script, "--help") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = DocText.Root };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    // bin/demo, bench/run, bin/test-matrix [--shapes a,b] ...: the script and the rest of its line. Not bin/*-… (a glob).
    [GeneratedRegex(@"(?<![\w/.*-])((?:bin|bench)/[a-z][\w-]*)(?![\w/*.-])([^\n]*)")]
    private static partial Regex ScriptUse();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]+")]
    private static partial Regex Flag();
}
