using Microsoft.Extensions.Logging;

namespace RoleManager.Lambda.Logging;

/// <summary>
/// Writes every log record as one JSON line (<c>timestamp</c>, <c>level</c>, <c>requestId</c>, <c>message</c>,
/// then the record's fields) to one output, standard output in the function. It is the function's only output.
/// </summary>
public sealed class JsonLinesLoggerProvider : ILoggerProvider
{
    /// <summary>Set by Lambda's logging controls (TRACE, DEBUG, INFO, WARN, ERROR, FATAL).</summary>
    public const string LogLevelVariable = "AWS_LAMBDA_LOG_LEVEL";

    private readonly Stream _output;
    private readonly bool _ownsOutput;
    private readonly Lock _writeLock = new();

    public JsonLinesLoggerProvider(Stream output, TimeProvider time, SecretRedactor redactor, LogLevel minimumLevel = LogLevel.Information, bool ownsOutput = false)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        Time = time ?? throw new ArgumentNullException(nameof(time));
        Redactor = redactor ?? throw new ArgumentNullException(nameof(redactor));
        MinimumLevel = minimumLevel;
        _ownsOutput = ownsOutput;
    }

    public TimeProvider Time { get; }

    public SecretRedactor Redactor { get; }

    public LogLevel MinimumLevel { get; }

    public static JsonLinesLoggerProvider ForStandardOutput(TimeProvider time, SecretRedactor redactor) =>
        new(Console.OpenStandardOutput(), time, redactor, ParseLevel(Environment.GetEnvironmentVariable(LogLevelVariable)), ownsOutput: true);

    /// <summary>Lambda's level names, case-insensitive; anything else means INFO.</summary>
    public static LogLevel ParseLevel(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "WARN" or "WARNING" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" or "CRITICAL" => LogLevel.Critical,
        _ => LogLevel.Information,
    };

    public ILogger CreateLogger(string categoryName) => new JsonLinesLogger(categoryName, this);

    public void Dispose()
    {
        lock (_writeLock)
        {
            _output.Flush();
            if (_ownsOutput)
            {
                _output.Dispose();
            }
        }
    }

    internal void WriteLine(ReadOnlySpan<byte> utf8Json)
    {
        // One write per line under a lock: lines from concurrent tasks never interleave.
        lock (_writeLock)
        {
            _output.Write(utf8Json);
            _output.WriteByte((byte)'\n');
            _output.Flush();
        }
    }
}
