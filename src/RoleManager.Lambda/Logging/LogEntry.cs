using System.Text.Json.Serialization;

namespace RoleManager.Lambda.Logging;

/// <summary>One JSON log line. The field names are those of Lambda's own JSON log format.</summary>
internal sealed class LogEntry
{
    [JsonPropertyName("timestamp")]
    public required string Timestamp { get; init; }

    [JsonPropertyName("level")]
    public required string Level { get; init; }

    [JsonPropertyName("requestId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? RequestId { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("logger")]
    public required string Logger { get; init; }

    /// <summary>The structured fields of the message (the <c>[LoggerMessage]</c> parameters).</summary>
    [JsonExtensionData]
    public Dictionary<string, object?>? Fields { get; set; }

    [JsonPropertyName("errorType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ErrorType { get; init; }

    [JsonPropertyName("exception")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Exception { get; init; }
}

/// <summary>
/// Source-generated JSON for log lines. Field values are narrowed to the types listed here
/// (see <see cref="JsonLinesLogger"/>), so serialising them needs no reflection.
/// </summary>
[JsonSerializable(typeof(LogEntry))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
internal sealed partial class LogJsonContext : JsonSerializerContext;
