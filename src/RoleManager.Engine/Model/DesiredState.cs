using System.Collections.Immutable;

namespace RoleManager.Model;

/// <summary>How a login role proves who it is.</summary>
public enum AuthMode
{
    /// <summary>RDS IAM database authentication: member of <c>rds_iam</c>, no password.</summary>
    Iam,
    /// <summary>A password (password_env or password_secret), set when the role is created and again when it changes.</summary>
    Password,
    /// <summary>Neither (local development with trust or peer authentication).</summary>
    None,
}

/// <summary>What a role may do with the objects of one schema.</summary>
public enum Profile
{
    /// <summary>Owns the schema: creates, alters and drops its objects (the migrator).</summary>
    Owner,
    /// <summary>Reads and writes data: SELECT/INSERT/UPDATE/DELETE, sequences, EXECUTE.</summary>
    ReadWrite,
    /// <summary>Reads data: SELECT, sequence SELECT; EXECUTE on routines only when the grant asks (<c>execute: true</c>).</summary>
    ReadOnly,
    /// <summary>Every privilege of each object kind, as the reference implementation grants.</summary>
    All,
    /// <summary>USAGE on the schema and nothing on its objects: what the role may do there comes from named grants (tables, columns).</summary>
    Usage,
}

/// <summary>The whole layout to converge one database to. Immutable; built by <c>Config</c>.</summary>
public sealed record DesiredState(
    string Database,
    ImmutableArray<SchemaSpec> Schemas,
    ImmutableArray<RoleSpec> Roles,
    ImmutableArray<string> Extensions)
{
    public RoleSpec? FindRole(string name) => Roles.FirstOrDefault(r => r.Name == name);

    /// <summary>The schema an extension is created in when the config names one (<c>extensions: [{name, schema}]</c>).</summary>
    public ImmutableDictionary<string, string> ExtensionSchemas { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Where a missing extension is created: its configured schema, else the first managed schema (on the roles' search_path).</summary>
    public string? ExtensionSchema(string extension) =>
        ExtensionSchemas.TryGetValue(extension, out var schema) ? schema : Schemas.IsDefaultOrEmpty ? null : Schemas[0].Name;

    /// <summary>The declared roles that are not to be dropped.</summary>
    public IEnumerable<RoleSpec> PresentRoles => Roles.Where(r => !r.Drop);

    /// <summary>
    /// Whether this database's part of the config gives <paramref name="role"/> CONNECT: where a cluster run proves the
    /// role's password and a rotation tests it (a login elsewhere would be refused and prove nothing).
    /// </summary>
    public bool GivesConnect(string role) => PresentRoles.Any(r => r.Name == role && r.DatabasePrivileges.Contains(DatabasePrivilege.Connect));
}

public sealed record SchemaSpec(string Name, string Owner);

/// <summary>
/// A profile on a schema. <paramref name="Execute"/> adds EXECUTE on routines to a profile that lacks it
/// (readonly): routines may write (SECURITY DEFINER), so reading does not imply running them.
/// </summary>
public sealed record GrantSpec(string Schema, Profile Profile, bool Execute = false);

public sealed record RoleSpec(
    string Name,
    bool Login,
    AuthMode Auth,
    ImmutableArray<string>? SearchPath,
    ImmutableArray<GrantSpec> Grants,
    ImmutableArray<string> MemberOf,
    ImmutableArray<DatabasePrivilege> DatabasePrivileges,
    int ConnectionLimit = -1,
    bool CreateDb = false,
    bool CreateRole = false,
    Secret? Password = null,
    bool Drop = false,
    Passwords.PasswordSource? PasswordSource = null)
{
    /// <summary>
    /// <c>adopt: true</c>: the config knowingly manages a protected role (the master, the database owner, a role with
    /// CREATEROLE or a privileged membership); without it such a role is never altered, granted to, dropped or reassigned.
    /// </summary>
    public bool Adopt { get; init; }

    /// <summary>
    /// <c>reassign_owned_to</c> on a role marked <c>drop: true</c>: the declared (present, unprivileged) role that becomes the
    /// owner of what the retiring role owns in the database outside the managed schemas. Without it such objects stop the
    /// drop (a finding); they never go to the master (docs/security.md, "Ownership is privilege").
    /// </summary>
    public string? ReassignOwnedTo { get; init; }

    /// <summary>
    /// Set on the NOLOGIN group roles the config layer generates (<c>grant_mode: groups</c>, or <c>auto</c> when a grant
    /// is shared): the role exists only to carry one profile on one schema. The planner marks it with
    /// <see cref="GroupRoleOrigin.Comment"/> when it creates it, and refuses a role of that name that does not carry the mark.
    /// </summary>
    public GroupRoleOrigin? GeneratedGroup { get; init; }

    /// <summary>
    /// <c>settings:</c> the role's cluster-wide settings (<c>ALTER ROLE ... SET</c>), by lower-case name, values as the
    /// config writes them. Any other cluster-wide setting on the role is drift (search_path aside: docs/architecture.md).
    /// </summary>
    public ImmutableSortedDictionary<string, string> Settings { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>
    /// <c>database_settings:</c> the role's settings in this database only (<c>ALTER ROLE ... IN DATABASE ... SET</c>);
    /// <see cref="SearchPath"/> is written in the same scope. Any other per-database setting on the role is drift.
    /// </summary>
    public ImmutableSortedDictionary<string, string> DatabaseSettings { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>
    /// Grants on named tables and on columns (<c>tables:</c> and <c>columns:</c> of a grant), beside the schema-wide
    /// profiles: what a database made by hand holds, so <c>inspect</c> can say it exactly. Always held directly.
    /// </summary>
    public ImmutableArray<NamedGrant> NamedGrants { get; init; } = ImmutableArray<NamedGrant>.Empty;

    /// <summary>
    /// The options of the memberships in <see cref="MemberOf"/> that the config writes as a mapping
    /// (<c>{ role, inherit, set, admin }</c>), by group; a group not here is <see cref="MembershipOptions.Plain"/>.
    /// </summary>
    public ImmutableDictionary<string, MembershipOptions> MembershipOptions { get; init; } = ImmutableDictionary<string, MembershipOptions>.Empty;

    /// <summary>How this role is to be a member of <paramref name="group"/> (plain unless the config says otherwise).</summary>
    public MembershipOptions OptionsIn(string group) =>
        MembershipOptions.TryGetValue(group, out var options) ? options : RoleManager.Model.MembershipOptions.Plain;
}

/// <summary>
/// What a generated group role stands for: <paramref name="Profile"/> (with EXECUTE when <paramref name="Execute"/>) on
/// <paramref name="Schema"/> of <paramref name="Database"/>. Roles are cluster-wide, so the database is part of it.
/// </summary>
public sealed record GroupRoleOrigin(string Database, string Schema, Profile Profile, bool Execute)
{
    /// <summary>The prefix of every mark: a role whose comment starts so was made by RoleManager.</summary>
    public const string CommentPrefix = "RoleManager group role: ";

    /// <summary>
    /// The role's comment (<c>COMMENT ON ROLE</c>): the proof that an existing role of this name is ours, and for what.
    /// </summary>
    public string Comment =>
        $"{CommentPrefix}{Profile.ToString().ToLowerInvariant()}{(Execute ? " with execute" : "")} on schema {Schema} in database {Database}";
}

public enum DatabasePrivilege
{
    Connect,
    Temporary,
    Create,
}
