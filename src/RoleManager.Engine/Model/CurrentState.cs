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

    /// <summary>Column-level grants to declared roles and PUBLIC on the relations of the managed schemas.</summary>
    public ImmutableArray<ColumnGrant> ColumnGrants { get; init; } = ImmutableArray<ColumnGrant>.Empty;

    /// <summary>
    /// What the roles the config drops own in this database (and shared objects, and other databases where they own
    /// anything); read only when a role is dropped, empty otherwise.
    /// </summary>
    public ImmutableArray<OwnedObject> OwnedByRetiring { get; init; } = ImmutableArray<OwnedObject>.Empty;

    /// <summary>What the master user is and may do here (<see cref="MasterFacts.Unknown"/> when built by hand).</summary>
    public MasterFacts MasterFacts { get; init; } = MasterFacts.Unknown;

    /// <summary>
    /// True when <see cref="Objects"/> holds one representative (named <c>(group)</c>) per group of
    /// objects sharing schema, kind, owner and ACL instead of every object: the engine plans from that first and reads the
    /// names only when the plan is not converged, so a converged run never transfers them. Never true in a state whose
    /// plan has changes or findings.
    /// </summary>
    public bool ObjectsSummarised { get; init; }

    /// <summary>
    /// In a cluster run's first database, the roles and master's facts read for every database of the run (null
    /// elsewhere): what the other databases use instead of reading them again (docs/architecture.md, "One run for a cluster").
    /// </summary>
    public ClusterRoleRead? ClusterRead { get; init; }
}

public sealed record ServerInfo(
    int VersionNum,
    string Version,
    string CurrentUser,
    bool CurrentUserIsSuperuser,
    string Database,
    string DatabaseOwner,
    bool HasRdsIam)
{
    /// <summary>
    /// The value of <c>default_transaction_read_only</c> set on this database for every role (<c>ALTER DATABASE … SET</c>),
    /// or null when none is; a true value makes every declared role's sessions read-only.
    /// </summary>
    public string? DatabaseReadOnly { get; init; }

    /// <summary>Roles other than the owner that hold a privilege on the database WITH GRANT OPTION.</summary>
    public ImmutableHashSet<string> DatabaseGrantOptionHolders { get; init; } = ImmutableHashSet<string>.Empty;
}

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
    bool CurrentUserCanSetRole)
{
    /// <summary>Every direct membership (declared or not, predefined <c>pg_*</c> and <c>rds_*</c> roles included).</summary>
    public ImmutableArray<Membership> Memberships { get; init; } = ImmutableArray<Membership>.Empty;

    /// <summary>Settings made for this role in the managed database only (<c>ALTER ROLE ... IN DATABASE ... SET</c>), as <c>name=value</c>.</summary>
    public ImmutableArray<string> DatabaseSettings { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>Every database-independent setting (<c>rolconfig</c>), as <c>name=value</c>.</summary>
    public ImmutableArray<string> Settings { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>The role's comment (<c>COMMENT ON ROLE</c>): how a generated group role is recognised as RoleManager's.</summary>
    public string? Comment { get; init; }

    /// <summary>The role's password expiry (<c>VALID UNTIL</c>), null when it has none (or <c>infinity</c>).</summary>
    public string? ValidUntil { get; init; }

    /// <summary>
    /// How the server reads the value of each setting in <see cref="Settings"/> and <see cref="DatabaseSettings"/>, by
    /// lower-case name (<c>pg_settings</c>' type and unit), so that <c>30s</c> and <c>30000</c> compare equal. A custom
    /// setting (<c>app.tenant</c>) has none: its text is compared as it is.
    /// </summary>
    public ImmutableDictionary<string, SettingKind> SettingKinds { get; init; } = ImmutableDictionary<string, SettingKind>.Empty;

    /// <summary>
    /// The groups this role is a member of that carry RoleManager's group-role mark and hold nothing themselves (no
    /// attribute, membership, object or privilege in this database), with their mark: candidates for another database's
    /// group roles, which a run on this database leaves alone (<see cref="Planning.GroupRoleGuard"/>).
    /// </summary>
    public ImmutableDictionary<string, string> MarkedGroups { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The <c>search_path</c> set for this role in this database (<c>ALTER ROLE ... IN DATABASE ... SET</c>), or null.</summary>
    public ImmutableArray<string>? DatabaseSearchPath =>
        DatabaseSettings.FirstOrDefault(s => s.StartsWith("search_path=", StringComparison.OrdinalIgnoreCase)) is { } setting
            ? Sql.Ident.ParseIdentifierList(setting["search_path=".Length..]).ToImmutableArray() : null;
}

/// <summary>A setting's type (<c>bool</c>, <c>integer</c>, <c>real</c>, <c>enum</c>, <c>string</c>) and base unit (<c>ms</c>, <c>kB</c>, <c>8kB</c>...), as <c>pg_settings</c> gives them.</summary>
public sealed record SettingKind(string Type, string? Unit)
{
    /// <summary>Whether the master may set or reset it on a role (a user-level setting, or the master is a superuser).</summary>
    public bool MasterMaySet { get; init; } = true;
}

public sealed record CurrentSchema(string Name, string Owner, bool CurrentUserHasOwnerPrivileges, ImmutableDictionary<string, Privilege> Acl)
{
    /// <summary>Roles other than the owner that hold a privilege on the schema WITH GRANT OPTION.</summary>
    public ImmutableHashSet<string> GrantOptionHolders { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>Whether the master holds ADMIN OPTION on the owner (what acting as it needs from 16); true when not read.</summary>
    public bool CurrentUserHasAdminOnOwner { get; init; } = true;
}

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
    ImmutableDictionary<string, Privilege> Acl)
{
    /// <summary>The catalog's relkind (r, v, m, f, p, S) or prokind (f, p, a, w): what <c>ALTER ... OWNER TO</c> must name.</summary>
    public string SubKind { get; init; } = "";

    /// <summary>The owner is a superuser: the master can neither act for it nor take the object over.</summary>
    public bool OwnerIsSuperuser { get; init; }

    /// <summary>A sequence that belongs to a table column (serial, identity): its owner follows the table's.</summary>
    public bool LinkedToTable { get; init; }

    /// <summary>
    /// The object belongs to an extension (<c>pg_depend</c> deptype <c>e</c>): it is the extension's, so it is never handed
    /// over, and no grant or revoke is planned on it (its ACL is what the extension's script made it).
    /// </summary>
    public bool ExtensionMember { get; init; }

    /// <summary>
    /// Why the object carries code that runs with its owner's rights (a view, a SECURITY DEFINER function, a table with
    /// triggers …), or null when it is inert. Read only for objects whose owner is not the schema's declared owner.
    /// </summary>
    public string? Code { get; init; }
}

/// <summary>
/// An <c>ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA schema</c> entry, or a global one (no <c>IN SCHEMA</c>)
/// when <see cref="Schema"/> is <see cref="Global"/>: a global entry replaces the built-in default for the owner.
/// </summary>
public sealed record DefaultAcl(string Owner, string Schema, ObjectKind Kind, ImmutableDictionary<string, Privilege> Acl)
{
    public const string Global = "";

    public bool IsGlobal => Schema == Global;
}

/// <summary>
/// One object a retiring role owns: its kind, schema (null when it has none) and identity as <c>pg_identify_object</c>
/// names them. <see cref="Handled"/>: a managed schema, or a table-like object, sequence or routine in one, which the
/// schema and ownership planners deal with.
/// </summary>
public sealed record OwnedObject(string Role, string Kind, string? Schema, string Identity, bool Handled);
