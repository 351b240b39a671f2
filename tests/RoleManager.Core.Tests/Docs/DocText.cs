using System.Text.RegularExpressions;
using RoleManager.Testing;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// The user-facing Markdown (README.md and docs/*.md) as the doc-claim tests read it: each file's text, its code
/// spans and the Markdown tables under a heading, so a test compares what a page says with what the repository is.
/// </summary>
internal static partial class DocText
{
    public static string Root => RepositoryRoot.Path;

    /// <summary>README.md and every docs/*.md, as paths relative to the repository root, in a stable order.</summary>
    public static IReadOnlyList<string> Files { get; } = new[] { "README.md" }
        .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md").Select(f => Path.GetRelativePath(RepositoryRoot.Path, f)).Order(StringComparer.Ordinal))
        .ToList();

    public static string Read(string file) => File.ReadAllText(Path.Combine(Root, file));

    /// <summary>
    /// The repository's files under <paramref name="folder"/> (relative to the root, or a full path) that match
    /// <paramref name="pattern"/>, without build output: a project's obj/ and bin/, and Python's __pycache__. The
    /// top-level bin/ (the scripts) stays; the test is on the path inside the repository, not wherever it was cloned.
    /// </summary>
    public static IEnumerable<string> SourceFiles(string folder, string pattern = "*.cs") =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), pattern, SearchOption.AllDirectories).Where(f =>
        {
            string[] parts = Path.GetRelativePath(Root, f).Split(Path.DirectorySeparatorChar);
            return !parts.Contains("obj") && !parts.Skip(1).Contains("bin") && !parts.Contains("__pycache__");
        });

    /// <summary>The file's text with every run of white space as one space: a sentence reads the same wherever lines break.</summary>
    public static string Flat(string file) => WhiteSpace().Replace(Read(file), " ");

    /// <summary>Where the file says <paramref name="sentence"/> (a regex over <see cref="Flat"/>); a test fails when it no longer does.</summary>
    public static Match Says(string file, string sentence)
    {
        var said = Regex.Match(Flat(file), sentence);
        Assert.True(said.Success, $"{file} no longer says /{sentence}/");
        return said;
    }

    /// <summary>Every inline code span (`...`) of a file, outside fenced blocks.</summary>
    public static IEnumerable<string> CodeSpans(string file) =>
        CodeSpan().Matches(WithoutFences(Read(file))).Select(m => m.Groups[1].Value);

    /// <summary>The text with every fenced block blanked out, so prose regexes do not read code as prose.</summary>
    public static string WithoutFences(string text) => Fence().Replace(text, "");

    /// <summary>
    /// The first Markdown table after the first heading whose text is <paramref name="heading"/> (or, when it ends with
    /// "…", starts with it): the header cells and the rows. performance.md puts the newest run first, so the first
    /// match is the latest.
    /// </summary>
    public static (string[] Header, List<string[]> Rows) TableUnder(string file, string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, file));
        int h = Array.FindIndex(lines, l => l.StartsWith('#') && IsHeading(l, heading));
        Assert.True(h >= 0, $"{file} has no heading starting with \"{heading}\"");
        int start = Array.FindIndex(lines, h + 1, l => l.StartsWith('|'));
        Assert.True(start > h, $"{file}: no table under \"{heading}\"");
        int next = Array.FindIndex(lines, h + 1, l => l.StartsWith('#'));
        Assert.True(next < 0 || start < next, $"{file}: the table after \"{heading}\" belongs to the next heading");
        var header = Cells(lines[start]);
        var rows = new List<string[]>();
        for (int i = start + 2; i < lines.Length && lines[i].StartsWith('|'); i++) rows.Add(Cells(lines[i]));
        return (header, rows);
    }

    /// <summary>The cell of the row whose first cells start with <paramref name="row"/> (joined by " | "), in the named column.</summary>
    public static string Cell(string file, string heading, string row, string column)
    {
        var (header, rows) = TableUnder(file, heading);
        int col = Array.FindIndex(header, c => c == column);
        Assert.True(col >= 0, $"{file} \"{heading}\": no column \"{column}\" in {string.Join(" | ", header)}");
        var match = rows.Where(r => string.Join(" | ", r).StartsWith(row, StringComparison.Ordinal)).ToList();
        Assert.True(match.Count >= 1, $"{file} \"{heading}\": no row \"{row}\"");
        return match[0][col];
    }

    private static bool IsHeading(string line, string heading)
    {
        string text = line.TrimStart('#').Trim();
        return heading.EndsWith('…') ? text.StartsWith(heading[..^1], StringComparison.Ordinal) : text == heading;
    }

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^ *(```+|~~~+)[^\n]*\n.*?^ *\1 *$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
