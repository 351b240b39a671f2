using System.Collections.Immutable;

namespace RoleManager.Model;

/// <summary>
/// What the inspector read from the live catalog, limited to the managed scope: the declared roles,
/// the declared schemas (plus <c>public</c>), their objects and default privileges. Immutable.
/// ACL maps are keyed by grantee name; <see cref="Public"/> stands for the PUBLIC pseudo-role.
/// </summary>
public sealed record CurrentState(
    ServerInfo Server,
    ImmutableDictionary<string, Privilege> DatabaseAcl,
    ImmutableHashSet<string> Extensions,
    ImmutableDictionary<string, CurrentRole> Roles,
    ImmutableDictionary<string, CurrentSchema> Schemas,
    ImmutableArray<DbObject> Objects,
    ImmutableArray<DefaultAcl> DefaultAcls)
{
    public const string Public = "PUBLIC";

    /// <summary>What the master user is and may do here (<see cref="MasterFacts.Unknown"/> when built by hand).</summary>
    public MasterFacts MasterFacts { get; init; } = MasterFacts.Unknown;
}

public sealed record ServerInfo(
    int VersionNum,
    string Version,
    string CurrentUser,
    bool CurrentUserIsSuperuser,
    string Database,
    string DatabaseOwner,
    bool HasRdsIam);

public sealed record CurrentRole(
    string Name,
    bool Login,
    bool Superuser,
    bool CreateDb,
    bool CreateRole,
    bool Inherit,
    bool Replication,
    bool BypassRls,
    int ConnectionLimit,
    ImmutableArray<string>? SearchPath,
    ImmutableHashSet<string> MemberOf,
    bool CurrentUserHasPrivileges,
    bool CurrentUserCanSetRole);

public sealed record CurrentSchema(string Name, string Owner, bool CurrentUserHasOwnerPrivileges, ImmutableDictionary<string, Privilege> Acl);

/// <summary>
/// A table-like object, sequence or routine. <see cref="Signature"/> is the routine's identity
/// argument list as the server prints it (empty for relations). <see cref="Acl"/> holds only declared grantees.
/// </summary>
public sealed record DbObject(
    string Schema,
    string Name,
    string Signature,
    ObjectKind Kind,
    string Owner,
    bool CurrentUserHasOwnerPrivileges,
    ImmutableDictionary<string, Privilege> Acl);

/// <summary>An <c>ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA schema</c> entry.</summary>
public sealed record DefaultAcl(string Owner, string Schema, ObjectKind Kind, ImmutableDictionary<string, Privilege> Acl);
