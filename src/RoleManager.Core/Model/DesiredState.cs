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
    /// <summary>Reads data: SELECT, sequence SELECT, EXECUTE.</summary>
    ReadOnly,
    /// <summary>Every privilege of each object kind, as the reference implementation grants.</summary>
    All,
}

/// <summary>The whole layout to converge one database to. Immutable; built by <c>Config</c>.</summary>
public sealed record DesiredState(
    string Database,
    ImmutableArray<SchemaSpec> Schemas,
    ImmutableArray<RoleSpec> Roles,
    ImmutableArray<string> Extensions)
{
    public RoleSpec? FindRole(string name) => Roles.FirstOrDefault(r => r.Name == name);

    /// <summary>The declared roles that are not to be dropped.</summary>
    public IEnumerable<RoleSpec> PresentRoles => Roles.Where(r => !r.Drop);
}

public sealed record SchemaSpec(string Name, string Owner);

public sealed record GrantSpec(string Schema, Profile Profile);

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
    Passwords.PasswordSource? PasswordSource = null);

public enum DatabasePrivilege
{
    Connect,
    Temporary,
    Create,
}
