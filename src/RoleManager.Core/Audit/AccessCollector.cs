using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Audit;

/// <summary>
/// Gathers one role's paths object by object, then folds them into report entries: objects reached the same
/// way are listed together, and privileges that reach the same objects the same way share one entry.
/// </summary>
internal sealed class AccessCollector(string role)
{
    internal readonly record struct TargetKey(string Kind, string? Schema, bool Future, string? CreatedBy);

    // A path is keyed by its text: AccessPath holds an array, whose equality is by reference.
    private readonly record struct Key(Privilege Privilege, TargetKey Target, string Path, bool NeedsSetRole);

    private readonly Dictionary<string, AccessPath> _pathByText = [];

    private readonly Dictionary<Key, (SortedSet<string> Names, bool Grantable)> _paths = [];

    public void Add(Privilege privilege, TargetKey target, AccessPath path, bool needsSetRole, bool grantable, IEnumerable<string> names)
    {
        _pathByText[path.Text] = path;
        var key = new Key(privilege, target, path.Text, needsSetRole);
        if (!_paths.TryGetValue(key, out var value)) value = (new SortedSet<string>(StringComparer.Ordinal), false);
        value.Names.UnionWith(names);
        _paths[key] = (value.Names, value.Grantable || grantable);
    }

    public IEnumerable<AccessEntry> Entries(Func<TargetKey, int> countOf)
    {
        var merged = _paths
            .GroupBy(p => (p.Key.Target, p.Key.Path, p.Key.NeedsSetRole, p.Value.Grantable, Names: string.Join("\u0001", p.Value.Names)))
            .Select(g =>
            {
                var names = g.First().Value.Names;
                var privileges = g.Select(p => AuditPrivileges.Sql(p.Key.Privilege)).OrderBy(AuditPrivileges.Order).ToImmutableArray();
                int total = countOf(g.Key.Target);
                bool all = !g.Key.Target.Future && total > 0 && names.Count == total && g.Key.Target.Kind is "table" or "sequence" or "routine";
                var target = new AccessTarget(g.Key.Target.Kind, g.Key.Target.Schema, all, g.Key.Target.Future ? 0 : names.Count,
                    all || g.Key.Target.Future ? [] : [.. names], g.Key.Target.Future, g.Key.Target.CreatedBy);
                return new AccessEntry(role, privileges, [.. privileges.Select(AuditPrivileges.Action).Distinct()], g.Key.Grantable,
                    g.Key.NeedsSetRole, target, _pathByText[g.Key.Path]);
            });
        return merged;
    }
}
