using System.Text;
using RoleManager.Reporting;

namespace RoleManager.Audit.Render;

/// <summary>
/// The diff for a person: one block per role (superusers last: they can do everything, so their lines say little), and
/// in it one line per object and change, with the privileges together — a new table is one line per role, not one per
/// privilege. As text (terminal), Markdown (a pull request comment) or a self-contained HTML page.
/// </summary>
public static class DiffRenderer
{
    /// <summary>One object's change for one role: + gained, - lost, ~ same access through another path.</summary>
    private sealed record Item(char Mark, string On, string Privileges, string Paths);

    public static string Render(ReportDiff diff, bool markdown)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{(markdown ? "## " : "")}{Title(diff)}");
        if (diff.IsEmpty) return sb.AppendLine().AppendLine(NoChange).ToString();
        sb.AppendLine().AppendLine(Summary(diff));
        foreach (var (role, items) in ByRole(diff))
        {
            sb.AppendLine().AppendLine(markdown ? $"### `{Printable.MarkdownCode(role)}`{Superuser(diff, role)}" : Printable.Text(role) + Superuser(diff, role));
            foreach (var item in items)
                sb.AppendLine($"{(markdown ? "- " : "  ")}{item.Mark} {Line($"{item.Privileges} on {item.On} — {item.Paths}", markdown)}");
        }
        if (diff.RoleChanges.Length > 0)
        {
            sb.AppendLine().AppendLine(markdown ? "### Roles" : "Roles");
            foreach (var c in diff.RoleChanges) sb.AppendLine($"{(markdown ? "- " : "  ")}{Line(c, markdown)}");
        }
        return sb.ToString();
    }

    /// <summary>A page with the report's style: a table per role (Change, On, Privileges, Through), then the role changes.</summary>
    public static string RenderHtml(ReportDiff diff)
    {
        static string E(string text) => HtmlRenderer.E(text);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
          .Append($"<title>{E(Title(diff))}</title><style>{HtmlRenderer.Css}.gained td:first-child{{color:#1a7f37;font-weight:600}}.lost td:first-child{{color:#cf222e;font-weight:600}}</style></head><body>\n")
          .Append($"<h1>{E(Title(diff))}</h1>\n");
        if (diff.IsEmpty) return sb.Append($"<p>{E(NoChange)}</p></body></html>\n").ToString();
        sb.Append($"<p class=\"muted\">{E(Summary(diff))}</p>\n");
        foreach (var (role, items) in ByRole(diff))
        {
            sb.Append($"<h2><code>{E(role)}</code>{E(Superuser(diff, role))}</h2><table><tr><th>Change</th><th>On</th><th>Privileges</th><th>Through</th></tr>\n");
            foreach (var item in items)
                sb.Append($"<tr class=\"{(item.Mark switch { '+' => "gained", '-' => "lost", _ => "path" })}\"><td>{(item.Mark switch { '+' => "gained", '-' => "lost", _ => "other path" })}</td>")
                  .Append($"<td>{E(item.On)}</td><td>{E(item.Privileges)}</td><td>{E(item.Paths)}</td></tr>\n");
            sb.Append("</table>\n");
        }
        if (diff.RoleChanges.Length > 0)
        {
            sb.Append("<h2>Roles</h2><ul>\n");
            foreach (var c in diff.RoleChanges) sb.Append($"<li>{E(c)}</li>\n");
            sb.Append("</ul>\n");
        }
        return sb.Append("</body></html>\n").ToString();
    }

    private const string NoChange = "No change: every role can do exactly what it could, through the same paths.";

    private static string Title(ReportDiff diff) =>
        $"Changes between the report of {diff.OldGeneratedAt:yyyy-MM-dd HH:mm} and of {diff.NewGeneratedAt:yyyy-MM-dd HH:mm} UTC";

    private static string Summary(ReportDiff diff)
    {
        var roles = ByRole(diff).Select(r => r.Role).ToList();
        int superusers = roles.Count(diff.Superusers.Contains);
        return $"{roles.Count} role(s) gained, lost or changed access{(superusers > 0 ? $" ({superusers} superuser(s), listed last)" : "")}; {diff.RoleChanges.Length} role change(s).";
    }

    private static string Superuser(ReportDiff diff, string role) => diff.Superusers.Contains(role) ? " (superuser: can do everything anyway)" : "";

    /// <summary>Roles in name order, superusers last; in each, gained then lost then path changes, one line per object and path.</summary>
    private static List<(string Role, List<Item> Items)> ByRole(ReportDiff diff)
    {
        var lines = diff.Gained.Select(l => ('+', l)).Concat(diff.Lost.Select(l => ('-', l))).Concat(diff.PathChanged.Select(l => ('~', l)));
        return [.. lines.GroupBy(x => x.l.Role)
            .OrderBy(g => diff.Superusers.Contains(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.GroupBy(x => (x.Item1, On: On(x.l), Paths: Paths(x.l)))
                .Select(o => new Item(o.Key.Item1, o.Key.On, string.Join(", ", o.Select(x => x.l.Privilege)), o.Key.Paths)).ToList()))];
    }

    private static string On(DiffLine l) => l.Names.Length == 0 ? l.On : $"{l.On} ({l.Names.Length}): {AuditText.List(l.Names, 8)}";

    private static string Paths(DiffLine l) => string.Join("; ", l.Paths) + (l.OldPaths.Length > 0 ? $" (was: {string.Join("; ", l.OldPaths)})" : "");

    /// <summary>Printable; in Markdown also no HTML, code span or table cell can be opened by a name.</summary>
    private static string Line(string text, bool markdown) => markdown ? Printable.MarkdownCell(text) : Printable.Text(text);
}
