namespace RoleManager.Execute;

/// <summary>How a <see cref="PlanTransaction"/> ends when its work is done.</summary>
public enum TransactionMode
{
    /// <summary>Commit: the apply keeps its changes.</summary>
    Commit,
    /// <summary>Always roll back: a dry run (the server validates every statement) or a check that acts as roles.</summary>
    AlwaysRollback,
    /// <summary>A read-only snapshot (REPEATABLE READ, READ ONLY), always rolled back: the audit report reads every catalog at one instant.</summary>
    Snapshot,
}
