using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoleManager.Reporting;

/// <summary>
/// Indented camelCase JSON that writes <c>+</c>, <c>&lt;</c>, <c>→</c> and non-ASCII names as themselves rather than
/// <c>\u</c> escapes: results and reports go to a terminal, a file or a Lambda response, never into HTML, so the
/// HTML-safe default encoder only hurts reading.
/// </summary>
public static class ReadableJsonOptions
{
    public static JsonSerializerOptions Create() => new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
