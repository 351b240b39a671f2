using System.Globalization;
using System.Text;

namespace RoleManager.Audit.Render;

/// <summary>
/// The picture: roles that can log in (and superusers) on the left, groups / predefined roles / PUBLIC in the middle,
/// the database and its schemas on the right, and a legend. Grey arrows are memberships (dashed: no INHERIT); blue
/// arrows are what a role reaches by its own grants, ownership, a predefined role's nature or the superuser attribute,
/// labelled with the actions. Each arrow leaves its role at its own height, with its label just above that start, and
/// a role's box is as tall as its arrows need: labels of one column never overlap, whatever the number of roles.
/// </summary>
internal static class RoleGraphSvg
{
    private const int Top = 40, NodeWidth = 230, NodeHeight = 22, Slot = 14, Gap = 8, LabelChars = 38;
    private static readonly int[] ColumnX = [20, 480, 980];

    private sealed record Edge(string From, string To, string Color, string? Dash, string Label, string Title);

    public static string Render(AuditReport report)
    {
        var acting = report.Access.Select(a => a.Role).ToHashSet(StringComparer.Ordinal);
        var shown = report.Roles.Where(r => acting.Contains(r.Name) && !(r.Kind == "predefined" && !report.Roles.Any(m => m.MemberOf.Any(x => x.Role == r.Name))))
            .ToList();
        // A group reached by a shown role's membership is shown too, so every arrow has both ends.
        var names = shown.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var r in shown.ToList())
            foreach (var m in r.MemberOf)
                if (names.Add(m.Role) && report.Roles.FirstOrDefault(x => x.Name == m.Role) is { } g) shown.Add(g);

        // Whoever can log in is a login role, whatever its name says (the RDS master, rdsmaster, is one).
        var left = shown.Where(r => r.Login != "none" || r.Attributes.Contains("superuser")).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        var middle = shown.Select(r => r.Name).Except(left).OrderBy(n => n == PrivilegeGraph.PublicName ? "" : n, StringComparer.Ordinal).ToList();
        var right = new List<string> { "database " + report.Server.Database };
        right.AddRange(report.Schemas.Select(s => "schema " + s.Name));
        var column = left.Select(n => (n, 0)).Concat(middle.Select(n => (n, 1))).Concat(right.Select(n => (n, 2))).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);

        var edges = new List<Edge>();
        foreach (var role in shown)
            foreach (var m in role.MemberOf.Where(m => column.ContainsKey(m.Role)))
                edges.Add(new(role.Name, m.Role, "#8c959f", m.Inherit ? null : "5,4", m.Inherit ? "" : "SET only", $"{role.Name} is a member of {m.Role}{(m.Inherit ? "" : " (no INHERIT: SET ROLE only)")}"));
        foreach (var group in report.Access.Where(a => !a.On.Future && column.ContainsKey(a.Role) && a.Path.Via is not ("membership" or "default-privileges")
                     && !(a.Path.Via == "ownership" && a.Path.Chain.Length > 1)).GroupBy(a => (a.Role, Target: a.On.Kind == "database" ? "database " + report.Server.Database : "schema " + a.On.Schema)))
        {
            if (!column.ContainsKey(group.Key.Target)) continue;
            string actions = string.Join(", ", group.SelectMany(a => a.Actions).Distinct().OrderBy(a => a, StringComparer.Ordinal));
            edges.Add(new(group.Key.Role, group.Key.Target, "#0969da", null, Short(actions, LabelChars), $"{group.Key.Role} can {actions} in {group.Key.Target}"));
        }

        // Rows: a box is tall enough for one slot per arrow leaving it.
        var outgoing = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var box = new Dictionary<string, (int X, int Y, int H)>(StringComparer.Ordinal);
        int bottom = Top;
        foreach (var (list, x) in new[] { (left, ColumnX[0]), (middle, ColumnX[1]), (right, ColumnX[2]) })
        {
            int y = Top;
            foreach (var name in list)
            {
                int h = Math.Max(NodeHeight, outgoing.GetValueOrDefault(name) * Slot);
                box[name] = (x, y, h);
                y += h + Gap;
            }
            bottom = Math.Max(bottom, y);
        }
        int legendTop = bottom + 16, height = legendTop + 70, width = ColumnX[2] + NodeWidth + 20;

        var sb = new StringBuilder();
        sb.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"roles, memberships and what they reach\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"));
        sb.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>");
        sb.Append(Invariant($"<text x=\"{ColumnX[0]}\" y=\"22\" font-weight=\"600\">Login roles</text><text x=\"{ColumnX[1]}\" y=\"22\" font-weight=\"600\">Groups, predefined roles, PUBLIC</text><text x=\"{ColumnX[2]}\" y=\"22\" font-weight=\"600\">Database and schemas</text>"));

        // Arrows first (under the boxes), each source's in the order of their targets' height so they cross less.
        foreach (var from in edges.GroupBy(e => e.From))
        {
            var (x, y, h) = box[from.Key];
            var ordered = from.OrderBy(e => box[e.To].Y).ThenBy(e => box[e.To].X).ToList();
            for (int i = 0; i < ordered.Count; i++)
                Arrow(sb, ordered[i], x, y + (i + 0.5) * h / ordered.Count, box[ordered[i].To], column[from.Key] == column[ordered[i].To]);
        }
        foreach (var (name, (x, y, h)) in box)
        {
            var role = report.Roles.FirstOrDefault(r => r.Name == name);
            sb.Append(Invariant($"<g><title>{HtmlRenderer.E(name)}</title><rect x=\"{x}\" y=\"{y}\" width=\"{NodeWidth}\" height=\"{h}\" rx=\"5\" fill=\"{Fill(role)}\" stroke=\"{Stroke(role)}\"/>"));
            sb.Append(Invariant($"<text x=\"{x + 8}\" y=\"{y + 15}\">{HtmlRenderer.E(Short(name, 32))}</text></g>"));
        }
        Legend(sb, legendTop);
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static void Arrow(StringBuilder sb, Edge edge, int fromX, double y1, (int X, int Y, int H) to, bool sameColumn)
    {
        double y2 = to.Y + NodeHeight / 2.0;
        string dash = edge.Dash is null ? "" : $" stroke-dasharray=\"{edge.Dash}\"";
        sb.Append(Invariant($"<g><title>{HtmlRenderer.E(edge.Title)}</title>"));
        if (sameColumn)
        {
            // A group in a group: a loop on the right of the column, unlabelled (the dash and the tooltip say it).
            double x = fromX + NodeWidth, bend = x + 36;
            sb.Append(Invariant($"<path d=\"M{x},{y1:0.#} C{bend},{y1:0.#} {bend},{y2:0.#} {x},{y2:0.#}\" fill=\"none\" stroke=\"{edge.Color}\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"{dash}/></g>"));
            return;
        }
        double x1 = fromX + NodeWidth, x2 = to.X, mx = (x1 + x2) / 2;
        sb.Append(Invariant($"<path d=\"M{x1},{y1:0.#} C{mx:0.#},{y1:0.#} {mx:0.#},{y2:0.#} {x2},{y2:0.#}\" fill=\"none\" stroke=\"{edge.Color}\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"{dash}/>"));
        // The label sits on the arrow's own start, which no other arrow shares: labels never overlap.
        if (edge.Label.Length > 0)
            sb.Append(Invariant($"<text class=\"label\" x=\"{x1 + 5}\" y=\"{y1 - 2:0.#}\" paint-order=\"stroke\" stroke=\"#fcfcfd\" stroke-width=\"3\">{HtmlRenderer.E(edge.Label)}</text>"));
        sb.Append("</g>");
    }

    private static void Legend(StringBuilder sb, int top)
    {
        sb.Append(Invariant($"<g class=\"legend\"><text x=\"{ColumnX[0]}\" y=\"{top + 12}\" font-weight=\"600\">Legend</text>"));
        var boxes = new[] { ("login role", "#dafbe1", "#57606a"), ("group", "#f6f8fa", "#57606a"), ("predefined or RDS role", "#fbefff", "#57606a"),
            ("PUBLIC (every role)", "#fff8c5", "#57606a"), ("database or schema", "#ddf4ff", "#57606a"), ("superuser (red border)", "#dafbe1", "#cf222e") };
        for (int i = 0; i < boxes.Length; i++)
        {
            var (text, fill, stroke) = boxes[i];
            int x = ColumnX[0] + 80 + i * 185;
            sb.Append(Invariant($"<rect x=\"{x}\" y=\"{top + 2}\" width=\"18\" height=\"13\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\"/><text x=\"{x + 24}\" y=\"{top + 13}\">{text}</text>"));
        }
        var lines = new[] { ("member of (inherits its privileges)", "#8c959f", ""), ("member of, no INHERIT: only after SET ROLE", "#8c959f", " stroke-dasharray=\"5,4\""),
            ("can (label: the actions) in the database or schema", "#0969da", "") };
        for (int i = 0; i < lines.Length; i++)
        {
            var (text, color, dash) = lines[i];
            int x = ColumnX[0] + 80 + i * 370, y = top + 40;
            sb.Append(Invariant($"<path d=\"M{x},{y} L{x + 40},{y}\" stroke=\"{color}\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"{dash}/><text x=\"{x + 48}\" y=\"{y + 4}\">{text}</text>"));
        }
        sb.Append("</g>");
    }

    private static string Fill(ReportRole? role) => role is null ? "#ddf4ff"
        : role.Login != "none" ? "#dafbe1"
        : role.Kind switch { "public" => "#fff8c5", "predefined" or "rds" => "#fbefff", _ => "#f6f8fa" };

    private static string Stroke(ReportRole? role) => role?.Attributes.Contains("superuser") == true ? "#cf222e" : "#57606a";

    private static string Short(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
