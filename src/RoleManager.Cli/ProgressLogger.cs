using Microsoft.Extensions.Logging;
using RoleManager.Execute;

namespace RoleManager.Cli;

/// <summary>
/// Shows the engine's progress and warnings (<see cref="ExecutionLog"/>) on standard error, so standard
/// output stays the report. Debug steps (each statement) are shown with <c>ROLE_MANAGER_DEBUG=1</c>.
/// </summary>
public sealed class ProgressLogger(TextWriter output, bool verbose) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= (verbose ? LogLevel.Debug : LogLevel.Information);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        // Per-change lines and the run's closing line repeat what the report prints; progress and warnings do not.
        if (!verbose && eventId.Id is 207 or 210) return;
        output.WriteLine($"  ... {Reporting.Printable.Message(formatter(state, exception))}");
    }
}
