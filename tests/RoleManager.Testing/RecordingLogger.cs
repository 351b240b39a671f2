using Microsoft.Extensions.Logging;

namespace RoleManager.Testing;

/// <summary>
/// Records every message the engine logs (open, begin, lock, each statement, commit/rollback) with its
/// structured fields: the executor's transcript, compared with approved files so a change in the SQL the tool
/// sends shows up in review, and the fields each line carries.
/// </summary>
public sealed class RecordingLogger : ILogger
{
    /// <summary>One log call: its event id, the formatted message and the named values it carried.</summary>
    public sealed record Entry(int EventId, string Message, IReadOnlyDictionary<string, string?> Fields);

    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries { get { lock (_entries) return [.. _entries]; } }

    public IReadOnlyList<string> Lines => Entries.Select(e => e.Message).ToList();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var fields = new Dictionary<string, string?>();
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
            foreach (var (key, value) in pairs) fields[key] = value?.ToString();
        lock (_entries) _entries.Add(new Entry(eventId.Id, formatter(state, exception), fields));
    }

    /// <summary>
    /// The executor's steps (ids 200–206), with the test's unique names replaced. A statement is written as
    /// <c>execute i/n Kind: SQL</c>: the transcript is about what is sent; the log fields of each change
    /// (role, schema, object) are checked on <see cref="Entries"/>, so the approved files stay the same for them.
    /// </summary>
    public string Transcript(params (string Value, string Placeholder)[] replacements)
    {
        var text = string.Join('\n', Entries.Where(e => e.EventId is >= 200 and <= 206).Select(e => e.EventId == 203
            ? $"execute {e.Fields["index"]}/{e.Fields["count"]} {e.Fields["kind"]}: {e.Fields["sql"]}"
            : e.Message)) + "\n";
        foreach (var (value, placeholder) in replacements) text = text.Replace(value, placeholder, StringComparison.Ordinal);
        return text;
    }
}
