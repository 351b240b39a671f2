namespace RoleManager.Execute;

/// <summary>
/// How to raise a timeout, in words for both hosts: the engine's messages reach CLI and Lambda users alike, so they
/// name the CLI option and the function's variable together rather than a flag a Lambda user cannot pass.
/// </summary>
public static class TimeoutAdvice
{
    public const string RaiseLockTimeout =
        "raise the lock timeout (role-manager --lock-timeout; ROLE_MANAGER_LOCK_TIMEOUT_SECONDS for the Lambda function)";

    public const string RaiseStatementTimeout =
        "raise the statement timeout for very large schemas (role-manager --statement-timeout; the Lambda function allows 5 minutes a statement)";
}
