using System.Text.RegularExpressions;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>The README's examples, run as a reader would run them: what it prints is what the program prints.</summary>
public sealed partial class ReadmeClaimsTests
{
    [Fact]
    public async Task The_readmes_two_error_config_reports_both_problems_as_the_readme_prints_them()
    {
        var blocks = Readme.CodeBlocks();
        int example = blocks.FindIndex(b => b.Info == "yaml" && b.Text.Contains("rds_admin"));
        Assert.True(example >= 0, "the README's config-error example is gone");
        string expected = blocks[example + 1].Text.TrimEnd();
        string dir = Directory.CreateTempSubdirectory("rm-readme-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "roles.yaml"), blocks[example].Text);

        // No database is reachable: the config is read before any connection is opened.
        var env = new Dictionary<string, string?> { ["PGHOST"] = "127.0.0.1", ["PGPORT"] = "1", ["PGSSLMODE"] = "disable" };
        var result = await CliRunner.RunAsync(env, ["plan", "--config", "roles.yaml"], workingDirectory: dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.StdErr.TrimEnd());
    }

    [Fact]
    public async Task Every_command_and_flag_of_the_readmes_command_line_block_is_in_that_commands_help()
    {
        var block = Readme.CodeBlocks().First(b => b.Text.StartsWith("role-manager plan", StringComparison.Ordinal));
        var lines = block.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("role-manager report", StringComparison.Ordinal));
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        // "Every command takes `--help` (or `-?`; ...), `--config FILE`, ...": the flags every command must list.
        string shared = readme[readme.IndexOf("Every command takes", StringComparison.Ordinal)..];
        shared = shared[..shared.IndexOf("\n\n", StringComparison.Ordinal)];
        var everyCommand = Flag().Matches(shared).Select(m => m.Value).Distinct().ToList();
        Assert.Contains("--quiet", everyCommand);

        foreach (string line in lines)
        {
            string command = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            var help = await CliRunner.RunAsync(new Dictionary<string, string?>(), command, "--help");
            Assert.True(help.ExitCode == 0, $"role-manager {command} --help: {help.All}");
            foreach (string flag in Flag().Matches(line).Select(m => m.Value).Concat(everyCommand.Where(f => f != "--format")))
                Assert.True(help.StdOut.Contains(flag, StringComparison.Ordinal), $"role-manager {command} --help does not list {flag}, which the README gives it");
        }
    }

    [Fact]
    public async Task Every_flag_the_readme_and_docs_give_a_command_is_in_that_commands_help()
    {
        // Wherever the docs write "role-manager COMMAND ... --flag" (a code span, a command line in a block), the flag
        // must be one that command takes: a renamed or removed option fails here, not in a user's terminal.
        var files = new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md").Select(f => Path.GetRelativePath(RepositoryRoot.Path, f)));
        var given = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string file in files)
            foreach (Match use in CommandUse().Matches(File.ReadAllText(Path.Combine(RepositoryRoot.Path, file))))
            {
                string args = use.Groups[2].Value;
                int comment = args.IndexOf(" #", StringComparison.Ordinal);
                if (comment >= 0) args = args[..comment];
                if (!given.TryGetValue(use.Groups[1].Value, out var flags)) given[use.Groups[1].Value] = flags = [];
                foreach (Match flag in Flag().Matches(args)) flags.Add($"{flag.Value} ({file})");
            }
        Assert.True(given.Values.Sum(f => f.Count) >= 10, "the docs give fewer flags than expected: " + string.Join(", ", given.SelectMany(g => g.Value)));
        foreach (var (command, flags) in given)
        {
            var help = await CliRunner.RunAsync(new Dictionary<string, string?>(), command, "--help");
            Assert.True(help.ExitCode == 0, $"role-manager {command} --help: {help.All}");
            foreach (string flag in flags)
                Assert.True(help.StdOut.Contains(flag[..flag.IndexOf(' ')] , StringComparison.Ordinal), $"role-manager {command} --help does not list {flag}, which the docs give it");
        }
    }

    [Fact]
    public void Every_ROLE_MANAGER_variable_the_docs_name_is_read_by_the_code_or_set_by_the_scripts_and_module()
    {
        string root = RepositoryRoot.Path;
        var docs = new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"))
            .Concat(Directory.GetFiles(Path.Combine(root, "infra"), "README.md", SearchOption.AllDirectories));
        var named = docs.SelectMany(f => Variable().Matches(File.ReadAllText(Path.Combine(root, f))).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        Assert.True(named.Count >= 8, string.Join(", ", named));
        string code = string.Concat(
            Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
                .Concat(Directory.GetFiles(Path.Combine(root, "bin"), "*", SearchOption.AllDirectories))
                .Concat(Directory.GetFiles(Path.Combine(root, "infra"), "*.tf", SearchOption.AllDirectories))
                .Select(File.ReadAllText));
        Assert.All(named, v => Assert.True(code.Contains(v, StringComparison.Ordinal), $"the docs name {v}, which nothing in src/, bin/ or infra/ reads or sets"));
    }

    [GeneratedRegex(@"\bROLE_MANAGER_[A-Z0-9_]*[A-Z0-9]\b")]
    private static partial Regex Variable();

    [GeneratedRegex(@"role-manager (plan|apply|check|inspect|report)\b([^`\n]*)")]
    private static partial Regex CommandUse();

    [Fact]
    public void The_aws_setup_steps_are_numbered_without_gaps_and_name_the_zips_three_files()
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "aws-setup.md"));
        var steps = Regex.Matches(text, @"^## (\d+)\.", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(Enumerable.Range(1, steps.Count), steps);

        string script = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "bin", "build-lambda-zip"));
        var packed = Regex.Matches(script, @"cp ""\$\w+"" ""\$stage/([^""]+)""").Select(m => m.Groups[1].Value).Append("bootstrap").ToList();
        Assert.Equal(3, packed.Distinct().Count());
        string build = text[text.IndexOf("## 3.", StringComparison.Ordinal)..text.IndexOf("## 4.", StringComparison.Ordinal)];
        Assert.Contains("three files", build);
        foreach (string file in packed) Assert.Contains($"`{file}`", build);
    }

    [GeneratedRegex(@"--[a-z][a-z-]+")]
    private static partial Regex Flag();
}
