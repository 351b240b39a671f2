using System.Text.RegularExpressions;
using RoleManager.Config;

namespace RoleManager.Core.Tests;

/// <summary>
/// Issue 30, "every example in the docs is run by a test": each YAML config the README and docs/ show loads as it is
/// printed — whole configs as they stand, role fragments inside a minimal config that declares what they refer to —
/// and so do the configs in examples/. A doc example that no longer loads fails here, not in a user's first hour.
/// </summary>
public partial class DocsConfigExamplesTests
{
    private static string Root() => RoleManager.Testing.RepositoryRoot.Path;

    /// <summary>Every ```yaml block of the README and docs/*.md: file, first line, text.</summary>
    public static TheoryData<string, int> YamlBlocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, line, _) in Blocks()) data.Add(file, line);
        return data;
    }

    private static IEnumerable<(string File, int Line, string Text)> Blocks()
    {
        var files = new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(Root(), "docs"), "*.md").Select(f => Path.GetRelativePath(Root(), f)).Order(StringComparer.Ordinal));
        foreach (string file in files)
        {
            var lines = File.ReadAllLines(Path.Combine(Root(), file));
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim() != "```yaml") continue;
                int end = i + 1;
                while (end < lines.Length && !lines[end].StartsWith("```", StringComparison.Ordinal)) end++;
                yield return (file, i + 2, string.Join('\n', lines[(i + 1)..end]) + "\n");
                i = end;
            }
        }
    }

    /// <summary>
    /// When the block after the example (past one paragraph of prose) is the error output (<c>error: The configuration
    /// has …</c>), the problems it lists without their file:line:col; otherwise null.
    /// </summary>
    private static List<string>? ShownErrors(string file, int line)
    {
        var lines = File.ReadAllLines(Path.Combine(Root(), file));
        int i = line - 1;
        while (i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal)) i++; // the example's closing fence
        int next = i + 1;
        while (next < lines.Length && !lines[next].StartsWith("```", StringComparison.Ordinal)) next++;
        if (next + 1 >= lines.Length || !lines[next + 1].StartsWith("error: The configuration has", StringComparison.Ordinal)) return null;
        var problems = new List<string>();
        for (int k = next + 2; k < lines.Length && !lines[k].StartsWith("```", StringComparison.Ordinal); k++)
            if (ShownProblem().Match(lines[k]) is { Success: true } m) problems.Add(m.Groups[1].Value);
        Assert.NotEmpty(problems);
        return problems;
    }

    [GeneratedRegex(@"^\s*- [^:]+:\d+:\d+: (.+)$")]
    private static partial Regex ShownProblem();

    [Fact]
    public void The_docs_show_yaml_configs_at_all()
    {
        // The theory below must not pass by finding nothing.
        Assert.True(Blocks().Count() >= 5, string.Join(", ", Blocks().Select(b => $"{b.File}:{b.Line}")));
    }

    [Theory]
    [MemberData(nameof(YamlBlocks))]
    public void Each_yaml_config_in_the_docs_loads_as_printed(string file, int line)
    {
        string text = Blocks().Single(b => b.File == file && b.Line == line).Text;
        string config = TopLevelKey().IsMatch(text) ? text : Wrapped(text);
        // Every variable a password_env names is set: the example is about the layout, not the environment.
        ClusterLayout Load() => ConfigLoader.LoadLayout(config, $"{file}:{line}", _ => "example-password", new ConfigDefaults(Database: "app"));
        if (ShownErrors(file, line) is { } shown)
        {
            // An example of a bad config, followed by the errors the docs say it gives: it gives exactly those.
            var error = Assert.Throws<Errors.ConfigException>(Load);
            foreach (string problem in shown) Assert.Contains(problem, error.Message);
            return;
        }
        Assert.NotEmpty(Load().Databases);
    }

    [Theory]
    [InlineData("reference-parity.yaml")]
    [InlineData("two-services.yaml")]
    public void Each_config_in_examples_loads(string name)
    {
        Assert.NotEmpty(ConfigLoader.LoadLayoutFile(Path.Combine(Root(), "examples", name), _ => "example-password", new ConfigDefaults()).Databases);
    }

    [Fact]
    public void Every_file_in_examples_is_listed_above()
    {
        var listed = new[] { "reference-parity.yaml", "two-services.yaml" };
        Assert.Equal(listed, Directory.GetFiles(Path.Combine(Root(), "examples"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A fragment (a role list item, indented as it would be under <c>roles:</c>) inside the smallest config that
    /// declares the schemas and roles it names.
    /// </summary>
    private static string Wrapped(string fragment)
    {
        var schemas = SchemaName().Matches(fragment).Select(m => m.Groups[1].Value).Append("app").Distinct(StringComparer.Ordinal);
        var roles = MemberOfName().Matches(fragment).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal);
        string body = string.Join('\n', fragment.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        return "database: app\nschemas:\n" + string.Concat(schemas.Select(s => $"  - {{ name: {s}, owner: docs_owner }}\n"))
            + "roles:\n  - { name: docs_owner }\n" + string.Concat(roles.Select(r => $"  - {{ name: {r} }}\n")) + body;
    }

    [GeneratedRegex(@"^(database|databases|roles|schemas):", RegexOptions.Multiline)]
    private static partial Regex TopLevelKey();

    [GeneratedRegex(@"schema:\s*([a-z_][a-z0-9_]*)")]
    private static partial Regex SchemaName();

    [GeneratedRegex(@"member_of:\s*\[([^\]]*)\]")]
    private static partial Regex MemberOfName();
}
