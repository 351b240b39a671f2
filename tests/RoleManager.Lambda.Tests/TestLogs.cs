using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RoleManager.Lambda.Logging;

namespace RoleManager.Lambda.Tests;

/// <summary>A JSON-lines logger writing to memory, and its lines parsed back.</summary>
internal sealed class TestLogs : IDisposable
{
    private readonly MemoryStream _stream = new();

    public TestLogs(TimeProvider? time = null, LogLevel minimumLevel = LogLevel.Trace)
    {
        Provider = new JsonLinesLoggerProvider(_stream, time ?? TimeProvider.System, Redactor, minimumLevel);
        Logger = Provider.CreateLogger("Test");
    }

    public SecretRedactor Redactor { get; } = new();

    public JsonLinesLoggerProvider Provider { get; }

    public ILogger Logger { get; }

    public string Text
    {
        get
        {
            lock (_stream)
            {
                return Encoding.UTF8.GetString(_stream.ToArray());
            }
        }
    }

    /// <summary>Every line parsed as JSON; a line that is not JSON fails the test here.</summary>
    public IReadOnlyList<JsonElement> Lines =>
        [.. Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    public void Dispose() => Provider.Dispose();
}
