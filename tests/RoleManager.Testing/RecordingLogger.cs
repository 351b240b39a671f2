using Microsoft.Extensions.Logging;

namespace RoleManager.Testing;

/// <summary>
/// Records every message the engine logs (open, begin, lock, each statement, commit/rollback) as text
/// lines: the executor's transcript, compared with approved files so a change in the SQL the tool sends
/// shows up in review.
/// </summary>
public sealed class RecordingLogger : ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add(formatter(state, exception));
    }

    /// <summary>The lines of the executor's steps only (ids 200–206), with the test's unique names replaced.</summary>
    public string Transcript(params (string Value, string Placeholder)[] replacements)
    {
        var text = string.Join('\n', Lines.Where(l => !l.StartsWith("Change:", StringComparison.Ordinal)
            && !l.Contains(" changes planned, ", StringComparison.Ordinal))) + "\n";
        foreach (var (value, placeholder) in replacements) text = text.Replace(value, placeholder, StringComparison.Ordinal);
        return text;
    }
}
