using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Audit;

/// <summary>
/// Follows every path from one role to each privilege, mirroring PostgreSQL's own checks (aclmask and the
/// pg_*_aclmask functions): superusers bypass everything; an ACL entry counts for its grantee, for PUBLIC and
/// for every role that has the grantee's privileges through INHERIT memberships; the owner's role has every
/// grant option (and may ALTER and DROP); pg_read_all_data / pg_write_all_data / pg_maintain act on every
/// relation (and give USAGE on every schema). A path through a membership without INHERIT is still reported,
/// marked as needing SET ROLE. Entries granted to PUBLIC are reported once, for PUBLIC.
/// </summary>
internal sealed class PathWalker(PrivilegeGraph graph, CatalogFacts facts, uint role)
{
    private readonly IReadOnlyDictionary<uint, ImmutableArray<uint>> _inherited = graph.Inherited(role);
    private readonly IReadOnlyDictionary<uint, ImmutableArray<uint>> _settable = graph.Settable(role);
    private readonly bool _superuser = graph.IsSuperuser(role);

    public AccessCollector Collector { get; } = new(graph.Name(role));

    public void Walk(IReadOnlyDictionary<uint, string> schemaName)
    {
        Evaluate(new("database", null, false, null), facts.DatabaseOwner, facts.DatabaseAcl, [facts.Database], relation: false, schema: false);
        foreach (var s in facts.Schemas)
            Evaluate(new("schema", s.Name, false, null), s.Owner, s.Acl, [s.Name], relation: false, schema: true);
        foreach (var g in facts.Objects)
        {
            if (!schemaName.TryGetValue(g.Schema, out var name)) continue;
            Evaluate(new(AuditPrivileges.KindName(g.Kind), name, false, null), g.Owner, g.Acl, g.Names, relation: g.Kind != ObjectKind.Routine, schema: false);
        }
        if (_superuser) return; // the table-level superuser entries already cover every column and future object
        foreach (var c in facts.Columns)
        {
            if (!schemaName.TryGetValue(c.Schema, out var name)) continue;
            Grants(new("column", name, false, null), c.Acl, owner: null, [c.Table + "." + c.Column], defaultsOf: null);
        }
        FutureObjects.Walk(graph, facts, schemaName, (target, acl, creator, scope) =>
            Grants(target, acl, owner: null, [], defaultsOf: (graph.Name(creator), scope), skip: creator));
    }

    private void Evaluate(AccessCollector.TargetKey target, uint owner, ImmutableArray<AclEntry> acl, IReadOnlyList<string> names, bool relation, bool schema)
    {
        if (_superuser)
        {
            var path = new AccessPath("superuser", [graph.Name(role)], "superuser attribute");
            foreach (var p in AuditPrivileges.Each(AuditPrivileges.AllFor(target.Kind, facts.VersionNum) | AuditPrivileges.Own))
                Collector.Add(p, target, path, needsSetRole: false, grantable: true, names);
            return;
        }
        Grants(target, acl, owner, names, defaultsOf: null);
        if (Reach(owner) is var (ownerChain, ownerSet))
            Collector.Add(AuditPrivileges.Own, target, OwnershipPath(ownerChain), ownerSet, grantable: true, names);
        if (relation)
        {
            Predefined(target, names, "pg_read_all_data", Privilege.Select);
            Predefined(target, names, "pg_write_all_data", Privilege.Insert | Privilege.Update | Privilege.Delete);
            if (target.Kind == "table") Predefined(target, names, "pg_maintain", Privilege.Maintain);
        }
        if (schema)
        {
            Predefined(target, names, "pg_read_all_data", Privilege.Usage);
            Predefined(target, names, "pg_write_all_data", Privilege.Usage);
        }
    }

    /// <summary>The paths through ACL entries. <paramref name="skip"/> leaves out the creator's own entry of a default ACL.</summary>
    private void Grants(AccessCollector.TargetKey target, ImmutableArray<AclEntry> acl, uint? owner, IReadOnlyList<string> names,
        (string Of, string Scope)? defaultsOf, uint? skip = null)
    {
        foreach (var entry in acl)
        {
            if (entry.Grantee == skip) continue;
            AccessPath path;
            bool needsSet;
            if (entry.Grantee == CatalogFacts.Public)
            {
                if (role != CatalogFacts.Public) continue;
                path = defaultsOf is { } d ? DefaultsPath(d, [PrivilegeGraph.PublicName], "PUBLIC")
                    : new AccessPath("public", [PrivilegeGraph.PublicName], "granted to PUBLIC");
                needsSet = false;
            }
            else if (Reach(entry.Grantee) is var (chain, set))
            {
                var chainNames = Names(chain);
                path = defaultsOf is { } d ? DefaultsPath(d, chainNames, graph.Name(entry.Grantee))
                    : entry.Grantee == owner ? OwnershipPath(chain)
                    : chain.Length == 1 ? new AccessPath("direct", chainNames, "granted directly")
                    : new AccessPath("membership", chainNames, "via membership " + string.Join(" → ", chainNames));
                needsSet = set;
            }
            else continue;
            Collector.Add(entry.Privilege, target, path, needsSet, entry.Grantable, names);
        }
    }

    private void Predefined(AccessCollector.TargetKey target, IReadOnlyList<string> names, string predefined, Privilege privileges)
    {
        if (graph.Find(predefined) is not { } oid || Reach(oid) is not var (chain, set)) return;
        var chainNames = Names(chain);
        var path = new AccessPath("predefined", chainNames, chain.Length == 1 ? $"predefined role {predefined}"
            : $"via predefined role {predefined}: " + string.Join(" → ", chainNames));
        foreach (var p in AuditPrivileges.Each(privileges)) Collector.Add(p, target, path, set, grantable: false, names);
    }

    private AccessPath OwnershipPath(ImmutableArray<uint> chain)
    {
        var chainNames = Names(chain);
        return new AccessPath("ownership", chainNames, chain.Length == 1 ? "as owner"
            : $"via membership {string.Join(" → ", chainNames)} (owner)");
    }

    private static AccessPath DefaultsPath((string Of, string Scope) defaults, ImmutableArray<string> chain, string grantee) => new(
        "default-privileges", chain,
        $"default privileges of {defaults.Of} ({defaults.Scope}) granting {grantee}" + (chain.Length > 1 ? ", via membership " + string.Join(" → ", chain) : ""),
        defaults.Of, defaults.Scope);

    /// <summary>The chain to <paramref name="target"/>: inherited (has its privileges), else SET ROLE only, else none.</summary>
    private (ImmutableArray<uint> Chain, bool NeedsSetRole)? Reach(uint target)
    {
        if (role == CatalogFacts.Public) return target == CatalogFacts.Public ? ([role], false) : null;
        if (_inherited.TryGetValue(target, out var chain)) return (chain, false);
        if (_settable.TryGetValue(target, out chain)) return (chain, true);
        return null;
    }

    private ImmutableArray<string> Names(ImmutableArray<uint> chain) => [.. chain.Select(graph.Name)];
}
