using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Audit;

/// <summary>
/// The privileges objects will get when they are created: for each schema, each role that can create in it
/// (CREATE through itself or INHERIT memberships, the owner included; superusers and the roles that can create
/// only because PUBLIC may are left out, the latter unless they set default privileges), and each kind, the
/// ACL PostgreSQL will give a new object: the creator's global default privileges (or the built-in default:
/// PUBLIC may EXECUTE routines) plus its default privileges in that schema.
/// </summary>
internal static class FutureObjects
{
    public delegate void Visit(AccessCollector.TargetKey target, ImmutableArray<AclEntry> acl, uint creator, string scope);

    private static readonly ObjectKind[] Kinds = [ObjectKind.Table, ObjectKind.Sequence, ObjectKind.Routine];

    public static void Walk(PrivilegeGraph graph, CatalogFacts facts, IReadOnlyDictionary<uint, string> schemaName, Visit visit)
    {
        foreach (var schema in facts.Schemas)
        {
            foreach (uint creator in Creators(graph, facts, schema))
            {
                foreach (var kind in Kinds)
                {
                    var target = new AccessCollector.TargetKey(AuditPrivileges.KindName(kind), schema.Name, Future: true, graph.Name(creator));
                    var global = facts.DefaultAcls.FirstOrDefault(d => d.Creator == creator && d.Schema == 0 && d.Kind == kind);
                    if (global is not null) visit(target, global.Acl, creator, "global");
                    else if (kind == ObjectKind.Routine) visit(target, [new AclEntry(CatalogFacts.Public, Privilege.Execute, false)], creator, "built-in default");
                    var local = facts.DefaultAcls.FirstOrDefault(d => d.Creator == creator && d.Schema == schema.Oid && d.Kind == kind);
                    if (local is not null) visit(target, local.Acl, creator, "in schema " + schema.Name);
                }
            }
        }
    }

    /// <summary>Roles that can create objects in the schema themselves (has_schema_privilege(role, schema, 'CREATE')).</summary>
    public static IEnumerable<uint> Creators(PrivilegeGraph graph, CatalogFacts facts, SchemaFacts schema)
    {
        var grantees = schema.Acl.Where(e => e.Privilege == Privilege.Create).Select(e => e.Grantee).ToHashSet();
        bool publicCanCreate = grantees.Contains(CatalogFacts.Public);
        var withDefaults = facts.DefaultAcls.Where(d => d.Schema == 0 || d.Schema == schema.Oid).Select(d => d.Creator).ToHashSet();
        return graph.Roles.Values
            .Where(r => !r.Superuser)
            .Where(r => graph.Inherited(r.Oid).Keys.Any(grantees.Contains) || (publicCanCreate && withDefaults.Contains(r.Oid)))
            .Select(r => r.Oid)
            .OrderBy(graph.Name, StringComparer.Ordinal);
    }
}
