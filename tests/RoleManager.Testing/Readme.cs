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
}
