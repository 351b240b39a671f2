using System.Text.Json.Serialization;

namespace RoleManager.Reporting;

/// <summary>
/// A config file's content as <c>inspect</c> reads it back from a database: the same keys as the YAML config
/// (and <c>schema/role-manager.schema.json</c>), null meaning "the default, so not written".
/// </summary>
public sealed record InspectedConfig(
    string Database,
    IReadOnlyList<InspectedSchema> Schemas,
    IReadOnlyList<InspectedRole> Roles,
    IReadOnlyList<string>? Extensions)
{
    /// <summary>
    /// <c>direct</c> when roles hold a grant they share themselves: the default (auto) would move such a grant to a group
    /// role, and the config must plan nothing on the database it was read from. Null otherwise.
    /// </summary>
    public string? GrantMode { get; init; }
}

public sealed record InspectedSchema(string Name, string Owner);

public sealed record InspectedRole(
    string Name,
    bool Login,
    string Auth,
    string? PasswordEnv,
    IReadOnlyList<string>? SearchPath,
    int? ConnectionLimit,
    bool? Createdb,
    bool? Createrole,
    IReadOnlyList<string>? MemberOf,
    IReadOnlyList<string>? DatabasePrivileges,
    IReadOnlyList<InspectedGrant>? Grants)
{
    /// <summary>The role's cluster-wide settings (<c>settings:</c>), search_path aside (never managed cluster-wide).</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>The role's settings in the inspected database (<c>database_settings:</c>); its search_path there is <see cref="SearchPath"/>.</summary>
    public IReadOnlyDictionary<string, string>? DatabaseSettings { get; init; }

    /// <summary>The Secrets Manager secret of a password role whose config (the one inspect read) names one.</summary>
    public string? PasswordSecret { get; init; }
}

public sealed record InspectedGrant(string Schema, string Profile, bool? Execute)
{
    /// <summary>Privileges on named tables beyond the profile (<c>tables:</c>); null when none.</summary>
    public IReadOnlyList<InspectedTableGrant>? Tables { get; init; }

    /// <summary>Privileges on some columns of a table (<c>columns:</c>); null when none.</summary>
    public IReadOnlyList<InspectedColumnGrant>? Columns { get; init; }
}

public sealed record InspectedTableGrant(string Name, IReadOnlyList<string> Privileges);

public sealed record InspectedColumnGrant(string Table, IReadOnlyList<string> Columns, IReadOnlyList<string> Privileges);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InspectedConfig))]
internal sealed partial class InspectJsonContext : JsonSerializerContext;
