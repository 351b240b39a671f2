using System.Collections.Immutable;
using Npgsql;
using RoleManager.Model;
using RoleManager.Sql;

namespace RoleManager.Inspect;

/// <summary>
/// The roles' part of the inspection: the rows of <c>2_roles.sql</c>, and a cluster run's one read of them
/// (RoleReadSharing.cs, docs/architecture.md "One run for a cluster"): what the first database keeps for the others, the
/// digests every database compares, and the read a database makes for itself when its digest differs.
/// </summary>
public sealed partial class CatalogInspector
{
    /// <summary>
    /// What the first database read for the others: the digests of the databases whose master session is its own (none when
    /// the first database's is not generic either: facts read in it would not be theirs).
    /// </summary>
    private static ClusterRoleRead ClusterReadOf(ImmutableDictionary<string, ImmutableDictionary<string, CurrentRole>> rolesByDatabase, MasterFacts master,
        ImmutableDictionary<string, (string Digest, bool SharesSession)> digests, string firstDatabase)
    {
        bool firstShares = digests.TryGetValue(firstDatabase, out var first) && first.SharesSession;
        var usable = firstShares
            ? digests.Where(d => d.Value.SharesSession).ToImmutableDictionary(d => d.Key, d => d.Value.Digest, StringComparer.Ordinal)
            : ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        return new ClusterRoleRead(rolesByDatabase, master, usable);
    }

    /// <summary>A database whose role state changed since the first database's read: the roles and master's facts read in its own transaction.</summary>
    private static async Task<CurrentState> ReadRolesHereAsync(NpgsqlConnection connection, InspectionScope scope, CurrentState current, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command("2_roles", scope.Roles.ToArray(), Array.Empty<string>()));
        batch.BatchCommands.Add(Command(MasterFactsReader.QueryName, MasterFactsReader.ScopeRoles(scope.Roles)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var roles = await ReadRolesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var master = await MasterFactsReader.ReadAsync(reader, cancellationToken);
        return current with { Roles = roles.GetValueOrDefault(current.Server.Database, ImmutableDictionary<string, CurrentRole>.Empty), MasterFacts = master };
    }

    /// <summary>The rows of <c>2_role_state.sql</c>: database → its digest, and whether its master session is the generic one.</summary>
    private static async Task<ImmutableDictionary<string, (string Digest, bool SharesSession)>> ReadRoleStateAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = ImmutableDictionary.CreateBuilder<string, (string, bool)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) rows[reader.GetString(0)] = (reader.GetString(1), reader.GetBoolean(2));
        return rows.ToImmutable();
    }

    /// <summary>The rows of <c>2_roles.sql</c>, by the database they were read for (its last column).</summary>
    private static async Task<ImmutableDictionary<string, ImmutableDictionary<string, CurrentRole>>> ReadRolesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var byDatabase = new Dictionary<string, ImmutableDictionary<string, CurrentRole>.Builder>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var role = new CurrentRole(
                Name: reader.GetString(0), Login: reader.GetBoolean(1), Superuser: reader.GetBoolean(2), CreateDb: reader.GetBoolean(3),
                CreateRole: reader.GetBoolean(4), Inherit: reader.GetBoolean(5), Replication: reader.GetBoolean(6), BypassRls: reader.GetBoolean(7),
                ConnectionLimit: reader.GetInt32(8),
                SearchPath: reader.IsDBNull(9) ? null : Ident.ParseIdentifierList(reader.GetString(9)).ToImmutableArray(),
                MemberOf: reader.GetFieldValue<string[]>(10).ToImmutableHashSet(),
                CurrentUserHasPrivileges: reader.GetBoolean(11), CurrentUserCanSetRole: reader.GetBoolean(12));
            var groups = reader.GetFieldValue<string[]>(13);
            var admin = reader.GetFieldValue<bool[]>(14);
            var revocable = reader.GetFieldValue<bool?[]>(15);
            var grantors = reader.GetFieldValue<string[]>(22);
            var inherit = reader.GetFieldValue<bool?[]>(24);
            var set = reader.GetFieldValue<bool?[]>(25);
            role = role with
            {
                Memberships = groups.Select((g, i) => new Membership(g, admin[i], revocable[i] == true)
                {
                    Grantor = grantors[i] is { Length: > 0 } by ? by : null, InheritOption = inherit[i], SetOption = set[i],
                }).ToImmutableArray(),
                DatabaseSettings = reader.GetFieldValue<string[]>(16).Order(StringComparer.Ordinal).ToImmutableArray(),
                Settings = reader.GetFieldValue<string[]>(17).ToImmutableArray(),
                Comment = reader.IsDBNull(18) ? null : reader.GetString(18),
                ValidUntil = reader.IsDBNull(23) ? null : reader.GetString(23),
                SettingKinds = SettingKindsOf(reader.GetFieldValue<string[]>(19)),
                MarkedGroups = reader.GetFieldValue<string[]>(20).Zip(reader.GetFieldValue<string[]>(21))
                    .ToImmutableDictionary(p => p.First, p => p.Second, StringComparer.Ordinal),
            };
            string database = reader.GetString(26);
            if (!byDatabase.TryGetValue(database, out var roles)) byDatabase[database] = roles = ImmutableDictionary.CreateBuilder<string, CurrentRole>();
            roles[role.Name] = role;
        }
        return byDatabase.ToImmutableDictionary(d => d.Key, d => d.Value.ToImmutable(), StringComparer.Ordinal);
    }

    /// <summary>The <c>name|type|unit|master may set</c> rows of 2_roles.sql's setting_kinds, by name (type empty: a custom setting).</summary>
    private static ImmutableDictionary<string, SettingKind> SettingKindsOf(string[] rows) =>
        rows.Where(row => row is not null).Select(row => row.Split('|')).Where(parts => parts.Length == 4)
            .ToImmutableDictionary(parts => parts[0], parts => new SettingKind(parts[1], parts[2].Length == 0 ? null : parts[2]) { MasterMaySet = parts[3] == "true" },
                StringComparer.OrdinalIgnoreCase);
}
