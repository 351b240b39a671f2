using System.Text;
using RoleManager.Reporting;

namespace RoleManager.Audit.Render;

/// <summary>
/// The terminal rendering: a header, the findings, then one block per role with aligned columns what / on / path.
/// Every name is <see cref="Printable.Text"/>: a name from the catalog cannot move the cursor or hide a line.
/// </summary>
public static class TableRenderer
{
    public static string Render(AuditReport report)
    {
        var sb = new StringBuilder();
        var s = report.Server;
        sb.AppendLine($"Who can do what in database {Printable.Text(s.Database)} (PostgreSQL {Printable.Text(s.Version)}), read as {Printable.Text(s.ConnectedAs)}.");
        sb.AppendLine($"{report.Roles.Length} roles, {report.Access.Length} access paths, {report.Findings.Length} findings{Notes(report)}. PUBLIC's privileges apply to every role.");
        if (report.Findings.Length > 0)
        {
            sb.AppendLine().AppendLine("Findings:");
            foreach (var f in report.Findings) sb.AppendLine($"  ! {Printable.Text(f.Problem)}").AppendLine($"    fix: {Printable.Text(f.FixSql)}");
        }
        if (report.Notes.Length > 0)
        {
            sb.AppendLine().AppendLine("Notes (nothing to fix):");
            foreach (var n in report.Notes) sb.AppendLine($"  i {Printable.Text(n.Text)}");
        }
        var roles = report.Roles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var group in report.Access.GroupBy(a => a.Role))
        {
            var role = roles[group.Key];
            sb.AppendLine().AppendLine(RoleLine(role));
            var rows = group.Select(e => (What: Printable.Text(AuditText.Privileges(e)), On: Printable.Text(AuditText.Target(e.On)), Path: Printable.Text(AuditText.Path(e)))).ToList();
            int w1 = Math.Min(48, rows.Max(r => r.What.Length)), w2 = Math.Min(70, rows.Max(r => r.On.Length));
            foreach (var (what, on, path) in rows) Row(sb, [what, on, path], [w1, w2]);
        }
        var silent = report.Roles.Where(r => !report.Access.Any(a => a.Role == r.Name)).Select(r => r.Name).ToList();
        if (silent.Count > 0) sb.AppendLine().AppendLine($"Only what PUBLIC can do: {Printable.Text(AuditText.List(silent, 30))}");
        return sb.ToString();
    }

    /// <summary>
    /// One row in aligned columns. A cell longer than its column ends its line and the row goes on below, at the next
    /// column's place, so a long name never pushes the following cells out of their columns.
    /// </summary>
    internal static void Row(StringBuilder sb, string[] cells, int[] widths)
    {
        var line = new StringBuilder("  ");
        for (int i = 0; i < cells.Length; i++)
        {
            line.Append(cells[i]);
            if (i == cells.Length - 1) break;
            if (cells[i].Length > widths[i])
            {
                sb.Append(line).AppendLine();
                line.Clear().Append(' ', 2 + widths[..(i + 1)].Sum() + 2 * i);
            }
            else line.Append(' ', widths[i] - cells[i].Length);
            line.Append("  ");
        }
        sb.Append(line).AppendLine();
    }

    internal static string Notes(AuditReport report) => report.Notes.Length == 0 ? "" : $", {report.Notes.Length} note{(report.Notes.Length == 1 ? "" : "s")} (nothing to fix)";

    public static string RoleLine(ReportRole role)
    {
        string name = role.Kind == "public" ? "PUBLIC (every role)" : role.Name;
        var facts = new List<string> { role.Kind };
        if (role.Kind != "public") facts.Add("login: " + role.Login);
        facts.AddRange(role.Attributes.Where(a => a != "login"));
        if (role.Declared) facts.Add("declared");
        string member = role.MemberOf.Length == 0 ? "" : " member of: " + string.Join(", ", role.MemberOf.Select(Membership));
        return Printable.Text($"{name} [{string.Join(", ", facts)}]{member}");
    }

    public static string Membership(ReportMembership m)
    {
        var options = new List<string>();
        if (!m.Inherit) options.Add("no inherit");
        if (!m.Set) options.Add("no set");
        if (m.Admin) options.Add("admin");
        if (m.Implicit) options.Add("implicit");
        return options.Count == 0 ? m.Role : $"{m.Role} ({string.Join(", ", options)})";
    }
}
