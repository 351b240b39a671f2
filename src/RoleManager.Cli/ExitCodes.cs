namespace RoleManager.Cli;

/// <summary>The process exit codes, documented in the README; the invoke scripts (bin/*-database-roles) use the same.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Any error: bad flags or config, unreachable database, failed apply. The message says what to do.</summary>
    public const int Error = 1;
    /// <summary><c>plan --detailed-exitcode</c>: the plan has changes.</summary>
    public const int ChangesPending = 2;
    /// <summary><c>check</c>: it ran, and at least one assertion failed.</summary>
    public const int CheckFailed = 3;
    /// <summary>Interrupted (Ctrl-C / SIGINT, 128 + 2 as shells report it); the transaction was rolled back.</summary>
    public const int Cancelled = 130;
}
