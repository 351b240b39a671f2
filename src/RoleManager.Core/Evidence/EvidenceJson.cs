using System.Text.Json.Serialization;

namespace RoleManager.Evidence;

/// <summary>Source-generated JSON for evidence (Native AOT: no reflection); readable (→ and non-ASCII names as themselves).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EvidenceDocument))]
public sealed partial class EvidenceJson : JsonSerializerContext
{
    public static EvidenceJson Readable { get; } = new(Reporting.ReadableJsonOptions.Create());
}
