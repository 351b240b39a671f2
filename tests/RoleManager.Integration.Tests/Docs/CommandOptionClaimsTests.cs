using System.Text.RegularExpressions;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// What the docs say a command does not take, or takes beside the others (ReadmeClaimsTests checks the flags the docs
/// write after a command): read from the sentence, checked against the command's help and its parser.
/// </summary>
public sealed partial class CommandOptionClaimsTests
{
    [Fact]
    public async Task An_option_the_docs_say_a_command_takes_no_is_refused_by_it_in_one_sentence()
    {
        // compliance.md: "`plan` takes no `--evidence`: ..."
        var said = RepositoryFiles().SelectMany(f => TakesNo().Matches(Regex.Replace(File.ReadAllText(f), @"\s+", " "))).ToList();
        Assert.NotEmpty(said);
        foreach (Match m in said)
        {
            string command = m.Groups["command"].Value, flag = m.Groups["flag"].Value;
            var help = await CliRunner.RunAsync(new Dictionary<string, string?>(), command, "--help");
            Assert.DoesNotContain(flag, help.StdOut);
            var run = await CliRunner.RunAsync(new Dictionary<string, string?>(), command, flag, "x");
            Assert.True(run.ExitCode == Readme.ExitCodeFor("any error"), run.All);
            Assert.Contains($"has no option {flag}", run.StdErr);
        }
    }

    [Fact]
    public async Task Plan_check_and_inspect_take_the_timeouts_as_the_readme_says()
    {
        // README: "`--lock-timeout`/`--statement-timeout` take `500ms`, `10s`, `5m` (...); `plan`, `check` and `inspect` take them too"
        string readme = Regex.Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")), @"\s+", " ");
        var said = Regex.Match(readme, @"`(?<a>--[a-z-]+)`/`(?<b>--[a-z-]+)` take .*?; (?<commands>(?:`[a-z]+`(?:, | and )?)+) take them too");
        Assert.True(said.Success, "the README no longer says which commands take the timeouts");
        var commands = Regex.Matches(said.Groups["commands"].Value, "`([a-z]+)`").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["plan", "check", "inspect"], commands);
        foreach (string command in commands)
        {
            var help = await CliRunner.RunAsync(new Dictionary<string, string?>(), command, "--help");
            Assert.Contains(said.Groups["a"].Value, help.StdOut);
            Assert.Contains(said.Groups["b"].Value, help.StdOut);
        }
    }

    private static IEnumerable<string> RepositoryFiles() =>
        new[] { Path.Combine(RepositoryRoot.Path, "README.md") }.Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md"));

    [GeneratedRegex(@"`(?<command>plan|apply|check|inspect|report)` takes no `(?<flag>--[a-z-]+)`")]
    private static partial Regex TakesNo();
}
