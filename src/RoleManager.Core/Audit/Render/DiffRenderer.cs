using System.Text;
using RoleManager.Reporting;

namespace RoleManager.Audit.Render;

/// <summary>The diff as text (terminal) or Markdown (a pull request comment).</summary>
public static class DiffRenderer
{
    public static string Render(ReportDiff diff, bool markdown)
    {
        var sb = new StringBuilder();
        string h = markdown ? "### " : "";
        sb.AppendLine($"{(markdown ? "## " : "")}Changes between the report of {diff.OldGeneratedAt:yyyy-MM-dd HH:mm} and of {diff.NewGeneratedAt:yyyy-MM-dd HH:mm} UTC");
        if (diff.IsEmpty) return sb.AppendLine().AppendLine("No change: every role can do exactly what it could, through the same paths.").ToString();
        Section(sb, h + "Gained", diff.Gained, "+", markdown);
        Section(sb, h + "Lost", diff.Lost, "-", markdown);
        Section(sb, h + "Same access, other path", diff.PathChanged, "~", markdown);
        if (diff.RoleChanges.Length > 0)
        {
            sb.AppendLine().AppendLine(h + "Roles");
            foreach (var c in diff.RoleChanges) sb.AppendLine($"{(markdown ? "- " : "  ")}{Line(c, markdown)}");
        }
        return sb.ToString();
    }

    private static void Section(StringBuilder sb, string title, IReadOnlyList<DiffLine> lines, string mark, bool markdown)
    {
        if (lines.Count == 0) return;
        sb.AppendLine().AppendLine($"{title} ({lines.Count})");
        foreach (var l in lines)
        {
            string names = l.Names.Length == 0 ? "" : $" ({l.Names.Length}): {AuditText.List(l.Names, 8)}";
            string paths = string.Join("; ", l.Paths) + (l.OldPaths.Length > 0 ? $" (was: {string.Join("; ", l.OldPaths)})" : "");
            sb.AppendLine($"{(markdown ? "- " : "  ")}{mark} {Line($"{l.Role}: {l.Privilege} on {l.On}{names} — {paths}", markdown)}");
        }
    }

    /// <summary>Printable; in Markdown also no HTML, code span or table cell can be opened by a name.</summary>
    private static string Line(string text, bool markdown) => markdown ? Printable.MarkdownCell(text) : Printable.Text(text);
}
