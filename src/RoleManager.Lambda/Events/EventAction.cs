namespace RoleManager.Lambda.Events;

/// <summary>What an invocation asks for; the event names are the lower-case names.</summary>
public enum EventAction
{
    /// <summary><c>"manage"</c>: plan, apply, then check.</summary>
    Manage,

    /// <summary><c>"check"</c>: prove each role's privileges and that nothing drifted.</summary>
    Check,

    /// <summary><c>"plan"</c>: show the changes without applying them.</summary>
    Plan,

    /// <summary><c>"report"</c>: who can do what in the database and through which path (issue #17); changes nothing.</summary>
    Report,
}
