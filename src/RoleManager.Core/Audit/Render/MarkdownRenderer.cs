using System.Text;
using RoleManager.Reporting;

namespace RoleManager.Audit.Render;

/// <summary>Markdown for an audit ticket: summary, findings with their fix, roles, then each role's access as a table.</summary>
public static class MarkdownRenderer
{
    public static string Render(AuditReport report)
    {
        var sb = new StringBuilder();
        var s = report.Server;
        sb.AppendLine($"# Who can do what in database `{Code(s.Database)}`").AppendLine();
        sb.AppendLine($"PostgreSQL {Cell(s.Version)}, owner `{Code(s.DatabaseOwner)}`, read as `{Code(s.ConnectedAs)}` at {report.GeneratedAt:yyyy-MM-dd HH:mm} UTC. ")
          .AppendLine($"{report.Roles.Length} roles, {report.Access.Length} access paths, {report.Findings.Length} findings{TableRenderer.Notes(report)}. Privileges of PUBLIC apply to every role.").AppendLine();
        if (report.Findings.Length > 0)
        {
            sb.AppendLine("## Findings").AppendLine().AppendLine("| # | Finding | Fix |").AppendLine("|---|---|---|");
            int i = 0;
            foreach (var f in report.Findings) sb.AppendLine($"| {++i} | {Cell(f.Problem)} | `{Code(f.FixSql)}` |");
            sb.AppendLine();
        }
        if (report.Notes.Length > 0)
        {
            sb.AppendLine("## Notes (nothing to fix)").AppendLine();
            foreach (var n in report.Notes) sb.AppendLine($"- {Cell(n.Text)}");
            sb.AppendLine();
        }
        sb.AppendLine("## Roles").AppendLine().AppendLine("| Role | Kind | Login | Attributes | Member of |").AppendLine("|---|---|---|---|---|");
        foreach (var r in report.Roles.Where(r => r.Kind != "predefined" || r.MemberOf.Length > 0 || report.Access.Any(a => a.Role == r.Name && a.Path.Via != "predefined")))
            sb.AppendLine($"| `{Code(r.Name)}`{(r.Declared ? " (declared)" : "")} | {r.Kind} | {r.Login} | {Cell(string.Join(", ", r.Attributes))} | {Cell(string.Join(", ", r.MemberOf.Select(TableRenderer.Membership)))} |");
        sb.AppendLine().AppendLine("## Access").AppendLine();
        foreach (var group in report.Access.GroupBy(a => a.Role))
        {
            sb.AppendLine($"### `{Code(group.Key)}`").AppendLine().AppendLine("| Can | On | Through |").AppendLine("|---|---|---|");
            foreach (var e in group) sb.AppendLine($"| {Cell(AuditText.Privileges(e))} | {Cell(AuditText.Target(e.On))} | {Cell(AuditText.Path(e))} |");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Cell(string text) => Printable.MarkdownCell(text);

    private static string Code(string text) => Printable.MarkdownCode(text);
}
