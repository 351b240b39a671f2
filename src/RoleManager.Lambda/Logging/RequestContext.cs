namespace RoleManager.Lambda.Logging;

/// <summary>
/// The id of the invocation being handled, flowing with the async call chain, so that every log line
/// written while handling it carries its <c>requestId</c> without passing it around.
/// </summary>
public static class RequestContext
{
    private static readonly AsyncLocal<string?> Current = new();

    public static string? RequestId => Current.Value;

    /// <summary>Sets the request id until the returned scope is disposed.</summary>
    public static IDisposable Begin(string requestId)
    {
        var previous = Current.Value;
        Current.Value = requestId;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
