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
        // Only the buckets that differ are expanded. A bucket is one role's access to one kind of object in one schema;
        // facts of different buckets never share a key (the key holds the role, the kind, the schema and the name), so a
        // bucket whose entries and inventory are the same in both reports yields the same facts on both sides and no
        // line of the diff. Evidence diffs a 10,000-table report against the last one on every run (issue #31): the
        // buckets that did not change are most of it.
        var olderBuckets = Buckets(older);
        var newerBuckets = Buckets(newer);
        var unchanged = olderBuckets.Where(b => newerBuckets.TryGetValue(b.Key, out var signature) && signature == b.Value).Select(b => b.Key).ToHashSet();
        var before = Flatten(older, unchanged);
        var after = Flatten(newer, unchanged);
        var gained = Group(after.Keys.Where(k => !before.ContainsKey(k)), after, null);
        var lost = Group(before.Keys.Where(k => !after.ContainsKey(k)), before, null);
        var changed = Group(after.Keys.Where(k => before.TryGetValue(k, out var old) && !string.Equals(old, after[k], StringComparison.Ordinal)), after, before);
        return new ReportDiff(older.GeneratedAt, newer.GeneratedAt, gained, lost, changed, RoleChanges(older, newer))
        {
            Superusers = [.. older.Roles.Concat(newer.Roles).Where(r => r.Attributes.Contains("superuser")).Select(r => r.Name).Distinct().Order(StringComparer.Ordinal)],
        };
    }

    private readonly record struct Bucket(string Role, string Kind, string? Schema, bool Future, string? CreatedBy);

    private static Bucket BucketOf(AccessEntry e) => new(e.Role, e.On.Kind, e.On.Schema, e.On.Future, e.On.CreatedBy);

    /// <summary>Each bucket's entries and the names they cover, as one string: equal strings, equal facts.</summary>
    private static Dictionary<Bucket, string> Buckets(AuditReport report)
    {
        var inventory = report.Schemas.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var covered = new Dictionary<(string Schema, string Kind), string>();
        var entries = new Dictionary<Bucket, List<string>>();
        foreach (var e in report.Access)
        {
            var on = e.On;
            string names = on.All && !on.Future && on.Schema is { } s && inventory.TryGetValue(s, out var schema)
                ? covered.TryGetValue((s, on.Kind), out var joined) ? joined : covered[(s, on.Kind)] = "all:" + string.Join(PathSeparator, Inventory(schema, on.Kind))
                : string.Join(PathSeparator, on.Names);
            string entry = string.Join('\u0001', string.Join(',', e.Privileges), e.Grantable, e.NeedsSetRole, on.All, names, e.Path.Text);
            var key = BucketOf(e);
            if (!entries.TryGetValue(key, out var list)) entries[key] = list = [];
            list.Add(entry);
        }
        return entries.ToDictionary(b => b.Key, b => string.Join('\u0002', b.Value.Order(StringComparer.Ordinal)));
    }

    private static ImmutableArray<string> Inventory(ReportSchema schema, string kind) =>
        kind switch { "table" => schema.Tables, "sequence" => schema.Sequences, _ => schema.Routines };

    // A fact's paths as one string, sorted and joined by NUL (which no name can hold): nearly every fact has one path,
    // and evidence diffs every "all tables" grant table by table, so a set per fact made large catalogs slow (issue #31).
    private const char PathSeparator = '\0';

    private static Dictionary<Fact, string> Flatten(AuditReport report, HashSet<Bucket> unchanged)
    {
        var inventory = report.Schemas.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var facts = new Dictionary<Fact, string>();
        foreach (var e in report.Access)
        {
            if (unchanged.Contains(BucketOf(e))) continue;
            var on = e.On;
            string where = on.Future ? $"future {on.Kind}s created by {on.CreatedBy} in schema {on.Schema}"
                : on.Kind == "database" ? "database" : on.Kind == "schema" ? "schema" : $"{on.Kind} in {on.Schema}";
            IEnumerable<string> names = on.Future ? [""]
                : on.Kind == "schema" ? [on.Schema ?? ""]
                : on.All && on.Schema is { } s && inventory.TryGetValue(s, out var schema) ? Inventory(schema, on.Kind)
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
