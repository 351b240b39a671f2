using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Audit;

/// <summary>One exploded ACL entry: <paramref name="Grantee"/> 0 is PUBLIC.</summary>
public readonly record struct AclEntry(uint Grantee, Privilege Privilege, bool Grantable);

/// <summary>A role as the catalog describes it (attributes only; memberships are edges).</summary>
public sealed record RoleFacts(uint Oid, string Name, bool Superuser, bool Inherit, bool CreateRole, bool CreateDb,
    bool Login, bool Replication, bool BypassRls, int ConnectionLimit);

/// <summary>
/// A membership edge: <paramref name="Member"/> is a member of <paramref name="Group"/>. Before PostgreSQL 16,
/// <paramref name="Inherit"/> is the member's rolinherit and <paramref name="Set"/> is always true.
/// </summary>
public sealed record MembershipFacts(uint Member, uint Group, bool Admin, bool Inherit, bool Set, bool Implicit = false);

public sealed record SchemaFacts(uint Oid, string Name, uint Owner, ImmutableArray<AclEntry> Acl);

/// <summary>Objects of one schema and kind that share an owner and an ACL (the ACL already defaulted).</summary>
public sealed record ObjectGroupFacts(uint Schema, ObjectKind Kind, uint Owner, ImmutableArray<AclEntry> Acl, ImmutableArray<string> Names);

public sealed record ColumnFacts(uint Schema, string Table, string Column, uint TableOwner, ImmutableArray<AclEntry> Acl);

/// <summary>A pg_default_acl row: <paramref name="Schema"/> 0 is the global entry of <paramref name="Creator"/>.</summary>
public sealed record DefaultAclFacts(uint Creator, uint Schema, ObjectKind Kind, ImmutableArray<AclEntry> Acl);

/// <summary>Everything the report reads from the catalog, in seven fixed queries whatever the catalog's size.</summary>
public sealed record CatalogFacts(
    int VersionNum,
    string Version,
    string ConnectedAs,
    string Database,
    uint DatabaseOwner,
    ImmutableArray<AclEntry> DatabaseAcl,
    ImmutableArray<RoleFacts> Roles,
    ImmutableArray<MembershipFacts> Memberships,
    ImmutableArray<SchemaFacts> Schemas,
    ImmutableArray<ObjectGroupFacts> Objects,
    ImmutableArray<ColumnFacts> Columns,
    ImmutableArray<DefaultAclFacts> DefaultAcls)
{
    public const uint Public = 0;
}
