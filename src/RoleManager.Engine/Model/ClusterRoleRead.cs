using System.Collections.Immutable;

namespace RoleManager.Model;

/// <summary>
/// The roles and the master's facts as a cluster run's first database read them, for every database of the run: roles,
/// memberships and the master's facts are the cluster's, so the other databases need not read them again (each read is a
/// large query on a fresh backend). A database uses this read only when the digest of the role state it computes itself,
/// inside its own transaction and under its own lock, is the one the first database computed for it
/// (<c>2_role_state.sql</c>): anything changed in between — by this run, another run or a person — and it reads again.
/// </summary>
/// <param name="RolesByDatabase">Database → the declared roles of every database of the run as they are there (the per-database parts, such as <c>ALTER ROLE … IN DATABASE</c> settings, differ).</param>
/// <param name="Master">The master's facts, read for every database's declared roles.</param>
/// <param name="Digests">Database → the digest of the role state read with them; only the databases whose master session is the first one's (no database-level setting for every role or for the master).</param>
public sealed record ClusterRoleRead(
    ImmutableDictionary<string, ImmutableDictionary<string, CurrentRole>> RolesByDatabase,
    MasterFacts Master,
    ImmutableDictionary<string, string> Digests)
{
    /// <summary>The role IAM logins are granted: the master's facts about it are read in every database's scope.</summary>
    public const string RdsIam = "rds_iam";

    /// <summary>
    /// The roles of <paramref name="scope"/> in <paramref name="database"/> and the master's facts about them, when that
    /// database's <paramref name="digest"/> (read in its own transaction) is the one this read was made with; null otherwise.
    /// </summary>
    public (ImmutableDictionary<string, CurrentRole> Roles, MasterFacts Master)? For(string database, string digest, IReadOnlyCollection<string> scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!Digests.TryGetValue(database, out var read) || !string.Equals(read, digest, StringComparison.Ordinal)
            || !RolesByDatabase.TryGetValue(database, out var roles))
            return null;
        var inScope = scope.ToHashSet(StringComparer.Ordinal);
        return (roles.Where(r => inScope.Contains(r.Key)).ToImmutableDictionary(StringComparer.Ordinal), Scoped(Master, scope));
    }

    /// <summary>
    /// The master's facts read for every database's roles, limited to what one database's own read asks about: the roles it
    /// declares and <c>rds_iam</c>, which IAM roles are granted (6_master.sql's scope).
    /// </summary>
    public static MasterFacts Scoped(MasterFacts master, IReadOnlyCollection<string> scope)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(scope);
        var inScope = scope.Append(RdsIam).ToHashSet(StringComparer.Ordinal);
        return master with
        {
            AdminOf = master.AdminOf.Where(inScope.Contains).ToImmutableHashSet(),
            PrivilegedVia = master.PrivilegedVia.Where(p => inScope.Contains(p.Key)).ToImmutableDictionary(),
        };
    }
}
