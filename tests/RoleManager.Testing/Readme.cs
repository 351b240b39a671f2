using System.Text.RegularExpressions;

namespace RoleManager.Testing;

/// <summary>The fenced code blocks of the repository's Markdown files, so tests can run what the docs show.</summary>
public static class Readme
{
    public sealed record CodeBlock(string Info, string Text, int Line);

    /// <summary>Every fenced block (```info ... ```) of <paramref name="file"/> (relative to the repository root), in order.</summary>
    public static List<CodeBlock> CodeBlocks(string file = "README.md")
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, file));
        var blocks = new List<CodeBlock>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal)) continue;
            string fence = new('`', lines[i].TakeWhile(c => c == '`').Count());
            int start = i + 1, end = start;
            while (end < lines.Length && lines[end] != fence) end++;
            blocks.Add(new CodeBlock(lines[i][fence.Length..].Trim(), string.Join('\n', lines[start..end]) + "\n", start + 1));
            i = end;
        }
        return blocks;
    }

    /// <summary>
    /// The README's "Exit codes" paragraph as code → what it means ("`0` success; `1` any error (...); `2` `plan
    /// --detailed-exitcode` found changes; ..."), so tests compare the program and the other docs with it.
    /// </summary>
    public static Dictionary<int, string> ExitCodes()
    {
        string readme = Regex.Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")), @"\s+", " ");
        int start = readme.IndexOf("**Exit codes**", StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException("the README has no \"Exit codes\" paragraph");
        int end = readme.IndexOf(" in both, with one sentence that names it", start, StringComparison.Ordinal);
        if (end < 0) throw new InvalidOperationException("the README's \"Exit codes\" paragraph no longer ends with the usage-error sentence");
        return Regex.Matches(readme[start..end], @"`(?<code>\d+)` (?<what>[^;]+)")
            .ToDictionary(m => int.Parse(m.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups["what"].Value);
    }

    /// <summary>The one exit code whose meaning in the README contains <paramref name="meaning"/>.</summary>
    public static int ExitCodeFor(string meaning)
    {
        var codes = ExitCodes().Where(c => c.Value.Contains(meaning, StringComparison.Ordinal)).Select(c => c.Key).ToList();
        return codes.Count == 1 ? codes[0]
            : throw new InvalidOperationException($"the README's exit codes give {codes.Count} codes for \"{meaning}\": {string.Join("; ", ExitCodes())}");
    }
}
