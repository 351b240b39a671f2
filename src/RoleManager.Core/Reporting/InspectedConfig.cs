using System.Text.Json;
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
    IReadOnlyList<InspectedMembership>? MemberOf,
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

/// <summary>
/// One <c>member_of</c> item: written as the group's name when its options are the plain ones (inherit, set, no admin),
/// else as <c>{ role, inherit, set, admin }</c> (<see cref="InspectedMembershipConverter"/>), as the config reads it.
/// </summary>
[JsonConverter(typeof(InspectedMembershipConverter))]
public sealed record InspectedMembership(string Role, bool Inherit = true, bool Set = true, bool Admin = false)
{
    public bool IsPlain => Inherit && Set && !Admin;
}

/// <summary>A plain membership as a string, one with options as an object: the two forms of <c>member_of</c>.</summary>
public sealed class InspectedMembershipConverter : JsonConverter<InspectedMembership>
{
    public override InspectedMembership Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("inspect only writes member_of; the config loader reads it");

    public override void Write(Utf8JsonWriter writer, InspectedMembership value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.IsPlain) { writer.WriteStringValue(value.Role); return; }
        writer.WriteStartObject();
        writer.WriteString("role", value.Role);
        writer.WriteBoolean("inherit", value.Inherit);
        writer.WriteBoolean("set", value.Set);
        writer.WriteBoolean("admin", value.Admin);
        writer.WriteEndObject();
    }
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
