using System.Collections.Immutable;

namespace RoleManager.Audit;

/// <summary>
/// Compares two reports object by object (an "all tables" entry is expanded with the schema's inventory), so a
/// team can keep reports as evidence and review who gained or lost what in a pull request. Paths count: a
/// privilege that stays but now comes another way is listed as a path change.
/// </summary>
public static class ReportDiffer
{
    private readonly record struct Fact(string Role, string Privilege, string On, string Name);

    public static ReportDiff Compare(AuditReport older, AuditReport newer)
    {
        var before = Flatten(older);
        var after = Flatten(newer);
        var gained = Group(after.Keys.Where(k => !before.ContainsKey(k)), after, null);
        var lost = Group(before.Keys.Where(k => !after.ContainsKey(k)), before, null);
        var changed = Group(after.Keys.Where(k => before.TryGetValue(k, out var old) && !string.Equals(old, after[k], StringComparison.Ordinal)), after, before);
        return new ReportDiff(older.GeneratedAt, newer.GeneratedAt, gained, lost, changed, RoleChanges(older, newer))
        {
            Superusers = [.. older.Roles.Concat(newer.Roles).Where(r => r.Attributes.Contains("superuser")).Select(r => r.Name).Distinct().Order(StringComparer.Ordinal)],
        };
    }

    // A fact's paths as one string, sorted and joined by NUL (which no name can hold): nearly every fact has one path,
    // and evidence diffs every "all tables" grant table by table, so a set per fact made large catalogs slow (issue #31).
    private const char PathSeparator = '\0';

    private static Dictionary<Fact, string> Flatten(AuditReport report)
    {
        var inventory = report.Schemas.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var facts = new Dictionary<Fact, string>();
        foreach (var e in report.Access)
        {
            var on = e.On;
            string where = on.Future ? $"future {on.Kind}s created by {on.CreatedBy} in schema {on.Schema}"
                : on.Kind == "database" ? "database" : on.Kind == "schema" ? "schema" : $"{on.Kind} in {on.Schema}";
            IEnumerable<string> names = on.Future ? [""]
                : on.Kind == "schema" ? [on.Schema ?? ""]
                : on.All && on.Schema is { } s && inventory.TryGetValue(s, out var schema)
                    ? on.Kind switch { "table" => schema.Tables, "sequence" => schema.Sequences, _ => schema.Routines }
                : on.Names;
            foreach (string privilege in e.Privileges)
            {
                string p = privilege + (e.Grantable ? " WITH GRANT OPTION" : "") + (e.NeedsSetRole ? " (after SET ROLE)" : "");
                foreach (string name in names)
                {
                    var key = new Fact(e.Role, p, where, name);
                    facts[key] = facts.TryGetValue(key, out var paths) ? Merge(paths, e.Path.Text) : e.Path.Text;
                }
            }
        }
        return facts;
    }

    private static string Merge(string paths, string path)
    {
        var set = new SortedSet<string>(paths.Split(PathSeparator), StringComparer.Ordinal) { path };
        return string.Join(PathSeparator, set);
    }

    private static ImmutableArray<DiffLine> Group(IEnumerable<Fact> keys, Dictionary<Fact, string> paths, Dictionary<Fact, string>? oldPaths) =>
        [.. keys.GroupBy(k => (k.Role, k.Privilege, k.On, Paths: paths[k], Old: oldPaths is null ? "" : oldPaths[k]))
            .Select(g => new DiffLine(g.Key.Role, g.Key.Privilege, g.Key.On,
                [.. g.Select(k => k.Name).Where(n => n.Length > 0).Order(StringComparer.Ordinal)],
                [.. g.Key.Paths.Split(PathSeparator)], oldPaths is null ? [] : [.. g.Key.Old.Split(PathSeparator)]))
            .OrderBy(l => l.Role, StringComparer.Ordinal).ThenBy(l => l.On, StringComparer.Ordinal).ThenBy(l => l.Privilege, StringComparer.Ordinal)];

    private static ImmutableArray<string> RoleChanges(AuditReport older, AuditReport newer)
    {
        var changes = new List<string>();
        var before = older.Roles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var after = newer.Roles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var name in before.Keys.Except(after.Keys).Order(StringComparer.Ordinal)) changes.Add($"role {name} was removed");
        foreach (var name in after.Keys.Except(before.Keys).Order(StringComparer.Ordinal)) changes.Add($"role {name} was added ({after[name].Kind}, login: {after[name].Login})");
        foreach (var name in after.Keys.Intersect(before.Keys).Order(StringComparer.Ordinal))
        {
            ReportRole o = before[name], n = after[name];
            if (o.Login != n.Login) changes.Add($"role {name}: login method {o.Login} → {n.Login}");
            foreach (var a in n.Attributes.Except(o.Attributes)) changes.Add($"role {name}: gained attribute {a}");
            foreach (var a in o.Attributes.Except(n.Attributes)) changes.Add($"role {name}: lost attribute {a}");
            var om = o.MemberOf.Select(Render.TableRenderer.Membership).ToHashSet();
            var nm = n.MemberOf.Select(Render.TableRenderer.Membership).ToHashSet();
            foreach (var m in nm.Except(om).Order(StringComparer.Ordinal)) changes.Add($"role {name}: now member of {m}");
            foreach (var m in om.Except(nm).Order(StringComparer.Ordinal)) changes.Add($"role {name}: no longer member of {m}");
        }
        return [.. changes];
    }
}
