using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RoleManager.Errors;

namespace RoleManager.Lambda.Logging;

/// <summary>One category's logger; see <see cref="JsonLinesLoggerProvider"/>.</summary>
internal sealed class JsonLinesLogger(string category, JsonLinesLoggerProvider provider) : ILogger
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    // Log lines are read by people and CloudWatch, never embedded in HTML: escape only what JSON requires.
    private static readonly LogJsonContext Json = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static readonly HashSet<string> ReservedNames =
        new(["timestamp", "level", "requestId", "message", "logger", "errorType", "exception"], StringComparer.Ordinal);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var redactor = provider.Redactor;
        var entry = new LogEntry
        {
            Timestamp = provider.Time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Level = LevelName(logLevel),
            RequestId = RequestContext.RequestId,
            Message = redactor.Redact(formatter(state, exception)),
            Logger = category,
            Fields = Fields(state, redactor),
            ErrorType = (exception as RoleManagerException)?.ErrorType,
            Exception = exception is null ? null : redactor.Redact(exception.ToString()),
        };
        provider.WriteLine(JsonSerializer.SerializeToUtf8Bytes(entry, Json.LogEntry));
    }

    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    private static Dictionary<string, object?>? Fields<TState>(TState state, SecretRedactor redactor)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            return null;
        }

        Dictionary<string, object?>? fields = null;
        foreach (var (key, value) in pairs)
        {
            if (key == OriginalFormatKey)
            {
                continue;
            }

            // Message templates' '@' (destructure) prefix is not part of the name: {@event} is the field "event", a
            // name the logging generator cannot take bare because it is a C# keyword.
            var bare = key.StartsWith('@') ? key[1..] : key;
            var name = ReservedNames.Contains(bare) ? bare + "_" : bare;
            (fields ??= new Dictionary<string, object?>(StringComparer.Ordinal))[name] = Narrow(value, redactor);
        }

        return fields;
    }

    // Only the types LogJsonContext knows reach the serialiser; a Secret prints as "***" through ToString.
    private static object? Narrow(object? value, SecretRedactor redactor) => value switch
    {
        null => null,
        bool or long or double or decimal => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        ulong or nint or nuint => Convert.ToString(value, CultureInfo.InvariantCulture),
        Secret => SecretRedactor.Mask,
        TimeSpan t => t.TotalMilliseconds,
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => redactor.Redact(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => redactor.Redact(value.ToString() ?? string.Empty),
    };
}
