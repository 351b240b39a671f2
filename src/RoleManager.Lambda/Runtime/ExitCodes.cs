namespace RoleManager.Lambda.Runtime;

/// <summary>The process's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Stopped on request (SIGTERM).</summary>
    public const int Stopped = 0;

    /// <summary>The function could not start; the init error was reported.</summary>
    public const int InitFailed = 1;

    /// <summary>The Runtime API answered 500 or could not be reached.</summary>
    public const int RuntimeApiFailed = 2;
}
