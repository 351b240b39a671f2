using System.Collections.Immutable;

namespace RoleManager.Audit;

/// <summary>
/// The role graph of a cluster: roles (and PUBLIC, oid 0) are nodes, memberships are edges carrying the
/// INHERIT, SET and ADMIN options. It answers the two questions PostgreSQL itself asks:
/// "has the privileges of" (<c>has_privs_of_role</c>: every hop INHERIT) and "can SET ROLE to"
/// (every hop SET). Superusers have both for every role. The database owner is an implicit member of
/// <c>pg_database_owner</c>, as in PostgreSQL. Pure: built from <see cref="CatalogFacts"/>, no I/O, so a
/// planner's model can be derived from it by restricting the roles and schemas it looks at.
/// </summary>
public sealed class PrivilegeGraph
{
    public const string PublicName = "PUBLIC";
    private readonly Dictionary<uint, List<MembershipFacts>> _outgoing = [];
    private readonly Dictionary<uint, IReadOnlyDictionary<uint, ImmutableArray<uint>>> _inheritCache = [];
    private readonly Dictionary<uint, IReadOnlyDictionary<uint, ImmutableArray<uint>>> _setCache = [];

    public PrivilegeGraph(CatalogFacts facts)
    {
        Roles = facts.Roles.ToImmutableDictionary(r => r.Oid);
        var edges = facts.Memberships.ToList();
        if (facts.Roles.FirstOrDefault(r => r.Name == "pg_database_owner") is { } dbOwnerRole)
            edges.Add(new MembershipFacts(facts.DatabaseOwner, dbOwnerRole.Oid, Admin: false, Inherit: true, Set: true, Implicit: true));
        // From 16 the same pair can be granted by several grantors: the options combine.
        Memberships = [.. edges.GroupBy(e => (e.Member, e.Group)).Select(g => new MembershipFacts(g.Key.Member, g.Key.Group,
            g.Any(e => e.Admin), g.Any(e => e.Inherit), g.Any(e => e.Set), g.All(e => e.Implicit)))];
        foreach (var edge in Memberships)
        {
            if (!_outgoing.TryGetValue(edge.Member, out var list)) _outgoing[edge.Member] = list = [];
            list.Add(edge);
        }
    }

    public ImmutableDictionary<uint, RoleFacts> Roles { get; }

    public ImmutableArray<MembershipFacts> Memberships { get; }

    public string Name(uint oid) => oid == CatalogFacts.Public ? PublicName : Roles.TryGetValue(oid, out var r) ? r.Name : $"(role {oid})";

    public bool IsSuperuser(uint oid) => Roles.TryGetValue(oid, out var r) && r.Superuser;

    public uint? Find(string name) => name == PublicName ? CatalogFacts.Public : Roles.Values.FirstOrDefault(r => r.Name == name)?.Oid;

    /// <summary>Roles whose privileges <paramref name="role"/> has (itself included), each with a shortest chain role → … → target.</summary>
    public IReadOnlyDictionary<uint, ImmutableArray<uint>> Inherited(uint role) => Reach(role, _inheritCache, e => e.Inherit);

    /// <summary>Roles <paramref name="role"/> can <c>SET ROLE</c> to (itself included), each with a shortest chain.</summary>
    public IReadOnlyDictionary<uint, ImmutableArray<uint>> Settable(uint role) => Reach(role, _setCache, e => e.Set);

    private IReadOnlyDictionary<uint, ImmutableArray<uint>> Reach(uint role, Dictionary<uint, IReadOnlyDictionary<uint, ImmutableArray<uint>>> cache, Func<MembershipFacts, bool> follows)
    {
        if (cache.TryGetValue(role, out var cached)) return cached;
        var chains = new Dictionary<uint, ImmutableArray<uint>> { [role] = [role] };
        if (role != CatalogFacts.Public)
        {
            // Breadth first, so each chain is a shortest one; ties are broken by name for a stable report.
            var queue = new Queue<uint>([role]);
            while (queue.Count > 0)
            {
                uint current = queue.Dequeue();
                if (!_outgoing.TryGetValue(current, out var edges)) continue;
                foreach (var edge in edges.Where(follows).OrderBy(e => Name(e.Group), StringComparer.Ordinal))
                {
                    if (chains.ContainsKey(edge.Group)) continue;
                    chains[edge.Group] = chains[current].Add(edge.Group);
                    queue.Enqueue(edge.Group);
                }
            }
        }
        cache[role] = chains;
        return chains;
    }
}
