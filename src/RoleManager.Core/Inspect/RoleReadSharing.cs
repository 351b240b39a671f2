using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Inspect;

/// <summary>
/// A cluster run's one read of the roles (UseCases/ClusterRun.cs): roles, memberships and the master's facts are the
/// cluster's, and reading them is the largest query a database's inspection sends on its fresh backend, so the first
/// database reads them for every database of the run and the others wait for that read instead of sending it. Each of
/// them still proves, in its own transaction, that nothing changed since (<see cref="ClusterRoleRead"/>).
/// </summary>
public sealed class RoleReadSharing(IReadOnlyList<(string Database, InspectionScope Scope)> databases)
{
    private readonly TaskCompletionSource<ClusterRoleRead?> _read = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every database of the run, in the config's order.</summary>
    public ImmutableArray<string> Databases { get; } = databases.Select(d => d.Database).ToImmutableArray();

    /// <summary>Every role any database of the run declares (group roles are per database).</summary>
    public ImmutableArray<string> Roles { get; } = databases.SelectMany(d => d.Scope.Roles).Distinct(StringComparer.Ordinal).ToImmutableArray();

    /// <summary>Database <paramref name="index"/>'s part: the first reads for all, the others use its read.</summary>
    public RoleReadShare For(int index) => new(this, index == 0);

    /// <summary>The first database's read (null when it failed before reading, or read nothing to share): the others go on at once.</summary>
    internal void Publish(ClusterRoleRead? read) => _read.TrySetResult(read);

    internal Task<ClusterRoleRead?> ReadAsync(CancellationToken cancellationToken) => _read.Task.WaitAsync(cancellationToken);
}

/// <summary>One database's part in a <see cref="RoleReadSharing"/>: what its first inspection reads, and what it tells the others.</summary>
public sealed record RoleReadShare(RoleReadSharing Sharing, bool First)
{
    /// <summary>
    /// The first database reads the roles of every database; the others wait for that read (before their transaction
    /// begins), and make their digest over the same roles.
    /// </summary>
    public async Task<InspectionScope> ScopeAsync(InspectionScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return First
            ? scope with { ClusterDatabases = Sharing.Databases, ClusterRoles = Sharing.Roles }
            : scope with { ClusterRoles = Sharing.Roles, SharedRead = await Sharing.ReadAsync(cancellationToken) };
    }

    /// <summary>After the first inspection (null: it failed): the first database lets the others go on.</summary>
    public void Inspected(CurrentState? current)
    {
        if (First) Sharing.Publish(current?.ClusterRead);
    }
}
