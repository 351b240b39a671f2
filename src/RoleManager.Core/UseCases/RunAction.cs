namespace RoleManager.UseCases;

/// <summary>What a run does. The Lambda's event action <c>manage</c> is <see cref="Apply"/>.</summary>
public enum RunAction
{
    /// <summary>Inspect and plan; change nothing.</summary>
    Plan,
    /// <summary>Converge in one transaction (or, with a dry run, execute and roll back).</summary>
    Apply,
    /// <summary>Plan, then log in as each role and prove its privileges; change nothing.</summary>
    Check,
    /// <summary>Read the managed scope's current state (the CLI's <c>inspect</c>).</summary>
    Inspect,
}
