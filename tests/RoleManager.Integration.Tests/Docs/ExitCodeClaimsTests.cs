using System.Text.RegularExpressions;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// The exit codes the README's "Exit codes" paragraph and docs/report.md give, read from their text and compared with
/// what role-manager really exits with, on a real server set up like RDS. (130 on Ctrl-C: CliConventionsTests.)
/// </summary>
public sealed partial class ExitCodeClaimsTests
{
    [Fact]
    public void The_readme_gives_the_five_exit_codes()
    {
        Assert.Equal([0, 1, 2, 3, 130], Readme.ExitCodes().Keys.Order());
    }

    [Fact]
    public async Task The_readmes_local_postgresql_example_runs_as_printed_and_exits_as_the_readme_says()
    {
        // The README's "On a local PostgreSQL" block: its variables (with this server's values where it writes "..." or
        // names a database of its own) and its three commands, in order; before them a check, which the README says exits 3.
        var block = Readme.CodeBlocks().Single(b => b.Info == "sh" && b.Text.Contains("role-manager check --auth password", StringComparison.Ordinal));
        var db = await TestDatabase.CreateAsync();
        var test = CliEnvironment.Master(db);
        var env = new Dictionary<string, string?>
        {
            ["PGPORT"] = test["PGPORT"], ["APP_USER"] = test["APP_USER"], ["MIGRATOR_USER"] = test["MIGRATOR_USER"], // the fixture's port and role names
        };
        foreach (Match export in Export().Matches(block.Text))
        {
            string name = export.Groups["name"].Value, value = export.Groups["value"].Value;
            Assert.True(test.ContainsKey(name), $"the README's example sets {name}, which the test cannot give a value");
            env[name] = value == "..." || name is "PGDATABASE" or "PGUSER" ? test[name] : value;
        }
        Assert.Equal(7, env.Count - 3);
        var commands = block.Text.Split('\n').Where(l => l.StartsWith("role-manager ", StringComparison.Ordinal))
            .Select(l => l["role-manager ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["plan", "apply", "check"], commands.Select(c => c[0]));
        int success = Readme.ExitCodeFor("success"), failed = Readme.ExitCodeFor("`check` ran and an assertion failed");

        // "Before the first apply it reports failed assertions (exit 3), not an error."
        var check = await CliRunner.RunAsync(env, "check", "--auth", "password");
        Assert.True(check.ExitCode == failed, check.All);
        foreach (var command in commands)
        {
            var run = await CliRunner.RunAsync(env, command);
            Assert.True(run.ExitCode == success, $"role-manager {string.Join(' ', command)}: {run.All}");
        }
        // plan --detailed-exitcode: 2 before an apply, 0 after (CliTests.Plan_with_detailed_exitcode_returns_2_then_0_after_apply).
    }

    [Theory]
    [InlineData("--no-such-option", "--no-such-option")]     // an unknown option
    [InlineData("--lock-timeout", "--lock-timeout")]         // a missing value
    [InlineData("--lock-timeout 10", "10")]                  // "a number without a unit is an error, never a guess"
    public async Task A_usage_error_exits_with_the_readmes_error_code_in_one_sentence_that_names_it(string args, string named)
    {
        using var counter = new ConnectionCounter();
        var env = new Dictionary<string, string?> { ["PGHOST"] = "127.0.0.1", ["PGPORT"] = counter.Port.ToString(), ["PGSSLMODE"] = "disable" };
        var result = await CliRunner.RunAsync(env, ["plan", .. args.Split(' ')]);
        Assert.True(result.ExitCode == Readme.ExitCodeFor("any error"), result.All);
        Assert.Contains(named, result.StdErr);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.Equal(0, counter.Accepted); // refused before any connection
    }

    [Fact]
    public async Task Report_diff_exits_as_report_md_says_when_access_changed_and_when_not()
    {
        string doc = Regex.Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "report.md")), @"\s+", " ");
        var said = DiffExitCodes().Match(doc);
        Assert.True(said.Success, "docs/report.md no longer says the diff's exit codes");
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        string dir = Directory.CreateTempSubdirectory("rm-diff-").FullName;
        string before = Path.Combine(dir, "before.json"), after = Path.Combine(dir, "after.json");

        Assert.Equal(0, (await CliRunner.RunAsync(env, "report", "--format", "json", "--output-file", before)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(env, "apply", "--auth", "password")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(env, "report", "--format", "json", "--output-file", after)).ExitCode);

        var changed = await CliRunner.RunAsync(new Dictionary<string, string?>(), "report", "--diff", before, "--against", after);
        Assert.True(changed.ExitCode == int.Parse(said.Groups["changed"].Value), changed.All);
        var same = await CliRunner.RunAsync(new Dictionary<string, string?>(), "report", "--diff", after, "--against", after);
        Assert.True(same.ExitCode == int.Parse(said.Groups["same"].Value), same.All);
    }

    [GeneratedRegex(@"(?:export|\G) +(?<name>[A-Z_]+)=(?<value>\S+)")]
    private static partial Regex Export();

    [GeneratedRegex(@"The exit code is `(?<changed>\d+)` when anything changed and `(?<same>\d+)` when nothing did")]
    private static partial Regex DiffExitCodes();
}
