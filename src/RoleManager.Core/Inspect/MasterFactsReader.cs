using System.Collections.Immutable;
using Npgsql;
using RoleManager.Model;

namespace RoleManager.Inspect;

/// <summary>Reads the one row of <c>6_master.sql</c> into <see cref="MasterFacts"/>.</summary>
internal static class MasterFactsReader
{
    public const string QueryName = "6_master";

    /// <summary>The roles the query looks at: the declared ones, plus <c>rds_iam</c> which IAM roles are granted.</summary>
    public static string[] ScopeRoles(IEnumerable<string> roles) => roles.Append(ClusterRoleRead.RdsIam).Distinct().ToArray();

    public static async Task<MasterFacts> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidOperationException("The connected user is not in pg_roles.");
        var roles = reader.GetFieldValue<string[]>(5);
        var admin = reader.GetFieldValue<bool[]>(6);
        var inherit = reader.GetFieldValue<bool?[]>(7);
        var set = reader.GetFieldValue<bool?[]>(8);
        var mine = reader.GetFieldValue<bool[]>(9);
        var memberships = roles.Select((r, i) => new MasterMembership(r, admin[i], inherit[i], set[i], mine[i])).ToImmutableArray();
        var privilegedNames = reader.GetFieldValue<string[]>(11);
        var privilegedVia = reader.GetFieldValue<string[]>(12);
        return new MasterFacts(
            CreateroleSelfGrant: reader.GetString(0),
            Replication: reader.GetBoolean(1),
            BypassRls: reader.GetBoolean(2),
            Superusers: reader.GetFieldValue<string[]>(3).ToImmutableHashSet(),
            AvailableExtensions: reader.GetFieldValue<string[]>(4).ToImmutableHashSet(),
            Memberships: memberships,
            AdminOf: reader.GetFieldValue<string[]>(10).ToImmutableHashSet(),
            PrivilegedVia: privilegedNames.Select((n, i) => (n, i))
                .ToImmutableDictionary(p => p.n, p => privilegedVia[p.i].Split(',').ToImmutableArray()));
    }
}
