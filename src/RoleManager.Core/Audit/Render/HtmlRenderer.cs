using System.Text;
using RoleManager.Reporting;

namespace RoleManager.Audit.Render;

/// <summary>
/// One self-contained HTML page: inline CSS (with a print style), an inline SVG picture of the roles, their
/// memberships and what they reach, the findings and every access path. No script and no network access.
/// </summary>
public static class HtmlRenderer
{
    internal const string Css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #d0d7de}
        h3{font-size:15px;margin:16px 0 4px}.muted{color:#57606a}
        table{border-collapse:collapse;width:100%;margin:4px 0 12px}th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#f6f8fa}code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:1px 3px}
        .finding td:first-child{color:#cf222e;font-weight:600}.set{color:#9a6700}
        svg{border:1px solid #d0d7de;background:#fcfcfd;max-width:100%;height:auto}
        svg text{font:12px system-ui,sans-serif}svg .label{font-size:10px;fill:#57606a}
        @media print{body{margin:0;font-size:11px}h2{break-after:avoid}tr,svg{break-inside:avoid}
        a{color:inherit;text-decoration:none}th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """;

    public static string Render(AuditReport report)
    {
        var sb = new StringBuilder();
        var s = report.Server;
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
          .Append($"<title>Who can do what in database {E(s.Database)}</title><style>{Css}</style></head><body>\n");
        sb.Append($"<h1>Who can do what in database <code>{E(s.Database)}</code></h1>")
          .Append($"<p class=\"muted\">PostgreSQL {E(s.Version)}, owner <code>{E(s.DatabaseOwner)}</code>, read as <code>{E(s.ConnectedAs)}</code> at {report.GeneratedAt:yyyy-MM-dd HH:mm} UTC. ")
          .Append($"{report.Roles.Length} roles, {report.Access.Length} access paths, {report.Findings.Length} findings{E(TableRenderer.Notes(report))}. Privileges of PUBLIC apply to every role.</p>\n");
        sb.Append("<h2>Roles, memberships and what they reach</h2>\n").Append(RoleGraphSvg.Render(report)).Append('\n');
        if (report.Findings.Length > 0)
        {
            sb.Append("<h2>Findings</h2><table><tr><th>Finding</th><th>Fix</th></tr>\n");
            foreach (var f in report.Findings) sb.Append($"<tr class=\"finding\"><td>{E(f.Problem)}</td><td><code>{E(f.FixSql)}</code></td></tr>\n");
            sb.Append("</table>\n");
        }
        if (report.Notes.Length > 0)
        {
            sb.Append("<h2>Notes <span class=\"muted\">(nothing to fix)</span></h2><ul class=\"notes\">\n");
            foreach (var n in report.Notes) sb.Append($"<li>{E(n.Text)}</li>\n");
            sb.Append("</ul>\n");
        }
        sb.Append("<h2>Roles</h2><table><tr><th>Role</th><th>Kind</th><th>Login</th><th>Attributes</th><th>Member of</th></tr>\n");
        foreach (var r in report.Roles)
            sb.Append($"<tr><td><code>{E(r.Name)}</code>{(r.Declared ? " (declared)" : "")}</td><td>{E(r.Kind)}</td><td>{E(r.Login)}</td><td>{E(string.Join(", ", r.Attributes))}</td><td>{E(string.Join(", ", r.MemberOf.Select(TableRenderer.Membership)))}</td></tr>\n");
        sb.Append("</table>\n<h2>Access</h2>\n");
        foreach (var group in report.Access.GroupBy(a => a.Role))
        {
            sb.Append($"<h3 id=\"role-{E(group.Key)}\"><code>{E(group.Key)}</code></h3><table><tr><th>Can</th><th>On</th><th>Through</th></tr>\n");
            foreach (var e in group)
                sb.Append($"<tr><td>{E(AuditText.Privileges(e))}</td><td>{E(AuditText.Target(e.On))}</td><td{(e.NeedsSetRole ? " class=\"set\"" : "")}>{E(AuditText.Path(e))}</td></tr>\n");
            sb.Append("</table>\n");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>Every text of the page: printable (controls shown as <c>\uXXXX</c>), then HTML-encoded.</summary>
    internal static string E(string text) => Printable.Html(text);
}
