using RoleManager.Errors;

namespace RoleManager.Lambda.Runtime;

/// <summary>
/// The body of an invocation or init error: <c>{"errorType": ..., "errorMessage": ...}</c>. Build it with
/// <see cref="Create"/> or <see cref="FromException"/>, which cap the message and keep the type header-safe.
/// </summary>
public sealed record LambdaError
{
    /// <summary>The longest <see cref="ErrorMessage"/> sent; longer messages are cut and marked.</summary>
    public const int MaxMessageLength = 4096;

    public const string InternalErrorType = InternalError.ErrorType;
    public const string TimeoutErrorType = "RoleManager.Timeout";
    public const string ResponseTooLargeErrorType = "RoleManager.ResponseTooLarge";

    private const string TruncatedMarker = " ... (truncated)";

    private LambdaError(string errorType, string errorMessage)
    {
        ErrorType = errorType;
        ErrorMessage = errorMessage;
    }

    public string ErrorType { get; }

    public string ErrorMessage { get; }

    public static LambdaError Create(string errorType, string errorMessage)
    {
        ArgumentNullException.ThrowIfNull(errorType);
        ArgumentNullException.ThrowIfNull(errorMessage);
        return new LambdaError(HeaderSafe(errorType), Cap(errorMessage));
    }

    /// <summary>
    /// A <see cref="RoleManagerException"/> keeps its type and message (they are written to carry no secret).
    /// Any other exception follows the engine's one policy (<see cref="InternalError"/>): its type only, and that it may
    /// have come after a commit; its own message may quote anything, so it goes to the (redacted) log only.
    /// <paramref name="redact"/> (the log redactor's) masks any registered secret in the message as well.
    /// </summary>
    public static LambdaError FromException(Exception exception, Func<string, string>? redact = null) => exception switch
    {
        RoleManagerException known => Create(known.ErrorType, redact is null ? known.Message : redact(known.Message)),
        _ => Create(InternalErrorType, InternalError.Message(exception, "The function's log has the details under this request id.")),
    };

    private static string Cap(string message) =>
        message.Length <= MaxMessageLength
            ? message
            : string.Concat(message.AsSpan(0, MaxMessageLength - TruncatedMarker.Length), TruncatedMarker);

    // The type is also sent as a header value: letters, digits, '.', '_' and '-' only, 128 at most.
    private static string HeaderSafe(string errorType)
    {
        var chars = errorType.Length > 128 ? errorType[..128].ToCharArray() : errorType.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] is '.' or '_' or '-'))
            {
                chars[i] = '_';
            }
        }

        return chars.Length == 0 ? InternalErrorType : new string(chars);
    }
}
