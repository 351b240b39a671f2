using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace RoleManager.Planning;

/// <summary>What a change does, for grouping and for reading a plan as data.</summary>
public enum ChangeKind
{
    CreateRole,
    AlterRole,
    DropRole,
    GrantMembership,
    RevokeMembership,
    /// <summary>The master user temporarily takes a membership it needs to act for a role (revoked at the end).</summary>
    BeginActingAs,
    EndActingAs,
    GrantDatabase,
    RevokeDatabase,
    CreateExtension,
    CreateSchema,
    AlterSchemaOwner,
    GrantSchema,
    RevokeSchema,
    GrantObjects,
    RevokeObjects,
    GrantDefault,
    RevokeDefault,
}

/// <summary>
/// One step of a plan: a one-line description and the exact SQL that will run. <see cref="Sql"/> is
/// always safe to print; when the real statement carries a secret (a password verifier) it is held
/// in <see cref="SecretSql"/>, which only the executor reveals.
/// </summary>
public sealed record Change(ChangeKind Kind, string Description, string Sql)
{
    [JsonIgnore]
    public Secret? SecretSql { get; init; }

    public string ExecutableSql() => SecretSql?.Reveal() ?? Sql;
}

/// <summary>The ordered changes that converge the database. Empty when it is already converged.</summary>
public sealed record Plan(ImmutableArray<Change> Changes)
{
    public static readonly Plan Empty = new(ImmutableArray<Change>.Empty);

    public bool IsEmpty => Changes.IsDefaultOrEmpty;
}
