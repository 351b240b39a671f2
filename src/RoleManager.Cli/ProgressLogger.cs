using Microsoft.Extensions.Logging;
using RoleManager.Execute;

namespace RoleManager.Cli;

/// <summary>How much of the engine's progress the CLI shows on standard error.</summary>
public enum ProgressMode
{
    /// <summary><c>--quiet</c> or JSON output: nothing (errors still print).</summary>
    Quiet,
    /// <summary>Not a terminal, or not an apply: warnings and the periodic "N of M statements executed".</summary>
    Normal,
    /// <summary><c>apply</c> with standard error on a terminal: each step a person waits on — begin and the lock
    /// it waits for, each statement, commit or rollback.</summary>
    Steps,
    /// <summary><c>ROLE_MANAGER_DEBUG=1</c>: every step the engine logs (<see cref="ExecutionLog"/>).</summary>
    Verbose,
}

/// <summary>
/// Shows the engine's progress and warnings (<see cref="ExecutionLog"/>) on standard error, so standard output stays
/// the report, and remembers whether the run committed, so an interrupted run can say what it left behind.
/// </summary>
public sealed class ProgressLogger(TextWriter output, ProgressMode mode) : ILogger
{
    /// <summary>The steps <see cref="ProgressMode.Steps"/> shows on top of <see cref="ProgressMode.Normal"/>.</summary>
    private static readonly int[] StepEvents = [201, 202, 203, 205, 206];

    private const int CommitEvent = 205;

    /// <summary>The rule: debug shows everything; --quiet and JSON nothing; an apply on a terminal its steps.</summary>
    public static ProgressMode Choose(bool debug, bool quiet, bool json, bool apply, bool stderrIsTerminal) =>
        debug ? ProgressMode.Verbose
        : quiet || json ? ProgressMode.Quiet
        : apply && stderrIsTerminal ? ProgressMode.Steps
        : ProgressMode.Normal;

    /// <summary>Whether the engine reported a commit: the changes are in the database.</summary>
    public bool Committed { get; private set; }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    // Debug is always enabled so the commit is seen in every mode; what is shown is decided in Log.
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == CommitEvent) Committed = true;
        if (!Shows(logLevel, eventId.Id)) return;
        output.WriteLine($"  ... {Reporting.Printable.Message(formatter(state, exception))}");
    }

    // Per-change lines and the run's closing line repeat what the report prints; progress and warnings do not.
    private bool Shows(LogLevel level, int id) => mode switch
    {
        ProgressMode.Verbose => true,
        ProgressMode.Quiet => false,
        ProgressMode.Steps => StepEvents.Contains(id) || (level >= LogLevel.Information && id is not (207 or 210)),
        _ => level >= LogLevel.Information && id is not (207 or 210),
    };
}
