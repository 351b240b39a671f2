using System.Text.Json.Serialization;

namespace RoleManager.Audit;

/// <summary>Source-generated JSON for the report (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditReport))]
[JsonSerializable(typeof(ReportDiff))]
public sealed partial class AuditJson : JsonSerializerContext
{
    /// <summary>The same, writing → and non-ASCII names as themselves rather than \u escapes: a report is a file, never embedded in HTML.</summary>
    public static AuditJson Readable { get; } = new(Reporting.ReadableJsonOptions.Create());
}
