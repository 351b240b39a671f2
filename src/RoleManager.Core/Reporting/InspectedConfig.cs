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
    IReadOnlyList<string>? Extensions);

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
    IReadOnlyList<InspectedGrant>? Grants);

public sealed record InspectedGrant(string Schema, string Profile, bool? Execute);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InspectedConfig))]
internal sealed partial class InspectJsonContext : JsonSerializerContext;
