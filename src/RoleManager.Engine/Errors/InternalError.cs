namespace RoleManager.Errors;

/// <summary>
/// The one policy for an exception no one expected (a bug of ours), the same in both hosts. The user is told its type
/// only: its own message may quote anything (a connection string, a value read from the server), so it goes where the
/// host keeps details (the CLI's <c>ROLE_MANAGER_DEBUG=1</c>, the function's redacted log). And since it may have come
/// after a commit, the message never says "nothing changed": it says how to find out.
/// </summary>
public static class InternalError
{
    public const string ErrorType = "RoleManager.InternalError";

    /// <param name="whereTheDetailsAre">The host's own sentence: where the exception's message and stack trace are.</param>
    public static string Message(Exception exception, string whereTheDetailsAre) =>
        $"An internal error occurred ({exception.GetType().Name}). It may have come before or after a commit: " +
        $"run plan to see what the database holds now. {whereTheDetailsAre}";
}
