using System.Globalization;
using System.Text;

namespace RoleManager.Audit.Render;

/// <summary>
/// The picture: login roles on the left, groups / predefined roles / PUBLIC in the middle, the database and its
/// schemas on the right. Grey arrows are memberships (dashed: no INHERIT); blue arrows are what a role reaches by
/// its own grants, ownership, a predefined role's nature or the superuser attribute, labelled with the actions.
/// </summary>
internal static class RoleGraphSvg
{
    private const int RowHeight = 30, Top = 40, NodeWidth = 230, NodeHeight = 22;
    private static readonly int[] ColumnX = [20, 480, 980];

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

        var left = shown.Where(r => r.Kind == "login" || r.Attributes.Contains("superuser")).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        var middle = shown.Select(r => r.Name).Except(left).OrderBy(n => n == PrivilegeGraph.PublicName ? "" : n, StringComparer.Ordinal).ToList();
        var right = new List<string> { "database " + report.Server.Database };
        right.AddRange(report.Schemas.Select(s => "schema " + s.Name));

        var position = new Dictionary<string, (int X, int Y)>(StringComparer.Ordinal);
        void Place(List<string> column, int x) { for (int i = 0; i < column.Count; i++) position[column[i]] = (x, Top + i * RowHeight); }
        Place(left, ColumnX[0]); Place(middle, ColumnX[1]); Place(right, ColumnX[2]);
        int height = Top + Math.Max(1, new[] { left.Count, middle.Count, right.Count }.Max()) * RowHeight + 20;
        int width = ColumnX[2] + NodeWidth + 20;

        var sb = new StringBuilder();
        sb.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"roles, memberships and what they reach\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"));
        sb.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>");
        sb.Append(Invariant($"<text x=\"{ColumnX[0]}\" y=\"22\" font-weight=\"600\">Login roles</text><text x=\"{ColumnX[1]}\" y=\"22\" font-weight=\"600\">Groups, predefined roles, PUBLIC</text><text x=\"{ColumnX[2]}\" y=\"22\" font-weight=\"600\">Database and schemas</text>"));

        foreach (var role in shown)
            foreach (var m in role.MemberOf.Where(m => position.ContainsKey(m.Role)))
                Edge(sb, position[role.Name], position[m.Role], "#8c959f", m.Inherit ? null : "5,4", m.Inherit ? "" : "SET only", $"{role.Name} is a member of {m.Role}");

        foreach (var group in report.Access.Where(a => !a.On.Future && position.ContainsKey(a.Role) && a.Path.Via is not ("membership" or "default-privileges")
                     && !(a.Path.Via == "ownership" && a.Path.Chain.Length > 1)).GroupBy(a => (a.Role, Target: a.On.Kind == "database" ? "database " + report.Server.Database : "schema " + a.On.Schema)))
        {
            if (!position.TryGetValue(group.Key.Target, out var to)) continue;
            string actions = string.Join(", ", group.SelectMany(a => a.Actions).Distinct().OrderBy(a => a, StringComparer.Ordinal));
            Edge(sb, position[group.Key.Role], to, "#0969da", null, Short(actions, 34), $"{group.Key.Role} can {actions} in {group.Key.Target}");
        }
        foreach (var (name, (x, y)) in position)
        {
            var role = report.Roles.FirstOrDefault(r => r.Name == name);
            string fill = role is null ? "#ddf4ff" : role.Kind switch { "login" => "#dafbe1", "public" => "#fff8c5", "predefined" or "rds" => "#fbefff", _ => "#f6f8fa" };
            string stroke = role?.Attributes.Contains("superuser") == true ? "#cf222e" : "#57606a";
            sb.Append(Invariant($"<g><title>{HtmlRenderer.E(name)}</title><rect x=\"{x}\" y=\"{y}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"5\" fill=\"{fill}\" stroke=\"{stroke}\"/>"));
            sb.Append(Invariant($"<text x=\"{x + 8}\" y=\"{y + 15}\">{HtmlRenderer.E(Short(name, 32))}</text></g>"));
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static void Edge(StringBuilder sb, (int X, int Y) from, (int X, int Y) to, string color, string? dash, string label, string title)
    {
        double x1 = from.X + NodeWidth, y1 = from.Y + NodeHeight / 2.0, x2 = to.X, y2 = to.Y + NodeHeight / 2.0;
        if (to.X <= from.X) { x1 = from.X; x2 = to.X + NodeWidth; }
        double mx = (x1 + x2) / 2;
        sb.Append(Invariant($"<g><title>{HtmlRenderer.E(title)}</title><path d=\"M{x1:0.#},{y1:0.#} C{mx:0.#},{y1:0.#} {mx:0.#},{y2:0.#} {x2:0.#},{y2:0.#}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>"));
        if (label.Length > 0) sb.Append(Invariant($"<text class=\"label\" x=\"{x2 - 6:0.#}\" y=\"{y2 - 4:0.#}\" text-anchor=\"end\">{HtmlRenderer.E(label)}</text>"));
        sb.Append("</g>");
    }

    private static string Short(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
