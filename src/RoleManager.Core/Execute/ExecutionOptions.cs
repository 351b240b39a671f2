namespace RoleManager.Execute;

/// <summary>
/// Timeouts for one run. <see cref="LockTimeout"/> also bounds the wait for another run's advisory lock.
/// <see cref="TimeSpan.Zero"/> means no limit, as in PostgreSQL.
/// </summary>
public sealed record ExecutionOptions(TimeSpan LockTimeout, TimeSpan StatementTimeout)
{
    public static readonly ExecutionOptions Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));
}
