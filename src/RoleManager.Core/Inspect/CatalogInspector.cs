using System.Collections.Immutable;
using Npgsql;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Sql;

namespace RoleManager.Inspect;

/// <summary>
/// Reads the managed scope with a fixed set of six catalog queries sent as one batch (one round trip),
/// whatever the number of roles, schemas or objects. The queries live in <c>Queries/*.sql</c>.
/// </summary>
public sealed partial class CatalogInspector : ICatalogInspector
{
    /// <summary>The name of a group's representative in a summarised inspection (a valid identifier: plans made from it are discarded).</summary>
    public const string GroupPlaceholder = "(group)";

    public static readonly IReadOnlyList<string> QueryNames = ["1_server", "2_roles", RoleStateQuery, "3_schemas", "4_objects", "5_default_acls", "6_columns", MasterFactsReader.QueryName, OwnedQuery];

    /// <summary>The digest of the role state (a cluster run's databases share one read of the roles when it is the same).</summary>
    private const string RoleStateQuery = "2_role_state";

    /// <summary>What retiring roles own: sent only when the config drops a role.</summary>
    private const string OwnedQuery = "7_owned";

    private static readonly ImmutableDictionary<string, string> Queries =
        QueryNames.ToImmutableDictionary(n => n, EmbeddedSql.Load);

    public Task<CurrentState> InspectAsync(NpgsqlConnection connection, InspectionScope scope, CancellationToken cancellationToken) =>
        InspectAsync(connection, scope, BatchPrelude.None, cancellationToken);

    public async Task<CurrentState> InspectAsync(NpgsqlConnection connection, InspectionScope scope, BatchPrelude prelude, CancellationToken cancellationToken)
    {
        string[] roles = scope.Roles.ToArray(), schemas = scope.Schemas.ToArray();
        // A cluster run's first database reads the roles and the master's facts for every database of the run, with the
        // digest of each; the others read only their digest and use that read when it is the same (ClusterRoleRead).
        bool readsForCluster = !scope.ClusterDatabases.IsEmpty, mayShare = scope.SharedRead is not null;
        await using var batch = new NpgsqlBatch(connection);
        foreach (var command in prelude.Commands) batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Queries["1_server"]));
        if (mayShare) batch.BatchCommands.Add(Command(RoleStateQuery, Array.Empty<string>(), MasterFactsReader.ScopeRoles(scope.ClusterRoles)));
        else
        {
            batch.BatchCommands.Add(Command("2_roles", readsForCluster ? scope.ClusterRoles.ToArray() : roles, scope.ClusterDatabases.ToArray()));
            if (readsForCluster) batch.BatchCommands.Add(Command(RoleStateQuery, scope.ClusterDatabases.ToArray(), MasterFactsReader.ScopeRoles(scope.ClusterRoles)));
        }
        batch.BatchCommands.Add(Command("3_schemas", schemas));
        batch.BatchCommands.Add(ObjectsCommand(scope));
        batch.BatchCommands.Add(Command("5_default_acls", schemas));
        batch.BatchCommands.Add(Command("6_columns", schemas, roles));
        if (!mayShare) batch.BatchCommands.Add(Command(MasterFactsReader.QueryName, MasterFactsReader.ScopeRoles(readsForCluster ? scope.ClusterRoles : scope.Roles)));
        if (!scope.Retiring.IsEmpty)
            batch.BatchCommands.Add(Command(OwnedQuery, scope.Retiring.ToArray(), DeclaredSchemas(scope)));

        ImmutableDictionary<string, ImmutableDictionary<string, CurrentRole>> rolesByDatabase = ImmutableDictionary<string, ImmutableDictionary<string, CurrentRole>>.Empty;
        ImmutableDictionary<string, (string Digest, bool SharesSession)> digests = ImmutableDictionary<string, (string, bool)>.Empty;
        CurrentState pending;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await prelude.SkipAsync(reader, cancellationToken);
            var (server, databaseAcl, extensions) = await ReadServerAsync(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            if (mayShare) digests = await ReadRoleStateAsync(reader, cancellationToken);
            else
            {
                rolesByDatabase = await ReadRolesAsync(reader, cancellationToken);
                if (readsForCluster)
                {
                    await reader.NextResultAsync(cancellationToken);
                    digests = await ReadRoleStateAsync(reader, cancellationToken);
                }
            }
            await reader.NextResultAsync(cancellationToken);
            var currentSchemas = await ReadSchemasAsync(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            var objects = await ReadObjectsAsync(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            var defaultAcls = await ReadDefaultAclsAsync(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            var columnGrants = await ReadColumnGrantsAsync(reader, cancellationToken);
            var masterFacts = MasterFacts.Unknown;
            if (!mayShare)
            {
                await reader.NextResultAsync(cancellationToken);
                masterFacts = await MasterFactsReader.ReadAsync(reader, cancellationToken);
            }
            var owned = ImmutableArray<OwnedObject>.Empty;
            if (!scope.Retiring.IsEmpty)
            {
                await reader.NextResultAsync(cancellationToken);
                owned = await ReadOwnedAsync(reader, cancellationToken);
            }
            var current = new CurrentState(server, databaseAcl, extensions, ImmutableDictionary<string, CurrentRole>.Empty, currentSchemas, objects, defaultAcls)
            {
                ColumnGrants = columnGrants, MasterFacts = masterFacts, ObjectsSummarised = !scope.ObjectNames, OwnedByRetiring = owned,
            };
            if (!mayShare)
            {
                var mine = rolesByDatabase.GetValueOrDefault(server.Database, ImmutableDictionary<string, CurrentRole>.Empty);
                return current with
                {
                    Roles = readsForCluster ? mine.Where(r => scope.Roles.Contains(r.Key)).ToImmutableDictionary() : mine,
                    MasterFacts = readsForCluster ? ClusterRoleRead.Scoped(masterFacts, scope.Roles) : masterFacts,
                    ClusterRead = readsForCluster ? ClusterReadOf(rolesByDatabase, masterFacts, digests, server.Database) : null,
                };
            }
            if (digests.TryGetValue(server.Database, out var state) && scope.SharedRead!.For(server.Database, state.Digest, scope.Roles) is { } shared)
                return current with { Roles = shared.Roles, MasterFacts = shared.Master };
            pending = current;
        }
        // The role state changed since the first database read it: read it here, in this transaction.
        return await ReadRolesHereAsync(connection, scope, pending, cancellationToken);
    }

    public async Task<ImmutableArray<DbObject>> ReadObjectsAsync(NpgsqlConnection connection, InspectionScope scope, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(ObjectsCommand(scope with { ObjectNames = true }));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadObjectsAsync(reader, cancellationToken);
    }

    private static NpgsqlBatchCommand ObjectsCommand(InspectionScope scope)
    {
        var command = Command("4_objects", scope.Schemas.ToArray(), scope.Roles.ToArray(), scope.SchemaOwners.ToArray());
        command.Parameters.Add(new NpgsqlParameter { Value = scope.ObjectNames });
        return command;
    }

    private static NpgsqlBatchCommand Command(string name, params string[][] arrays)
    {
        var command = new NpgsqlBatchCommand(Queries[name]);
        foreach (var array in arrays) command.Parameters.Add(new NpgsqlParameter { Value = array });
        return command;
    }

    private static async Task<(ServerInfo, ImmutableDictionary<string, Privilege>, ImmutableHashSet<string>)> ReadServerAsync(
        NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidOperationException("The current database is not in pg_database.");
        var server = new ServerInfo(
            VersionNum: reader.GetInt32(0), Version: reader.GetString(1), CurrentUser: reader.GetString(2),
            CurrentUserIsSuperuser: reader.GetBoolean(3), Database: reader.GetString(4), DatabaseOwner: reader.GetString(5),
            HasRdsIam: reader.GetBoolean(6)) { DatabaseReadOnly = reader.IsDBNull(10) ? null : reader.GetString(10) };
        server = server with { DatabaseGrantOptionHolders = reader.GetFieldValue<string[]>(11).ToImmutableHashSet(StringComparer.Ordinal) };
        var extensions = reader.GetFieldValue<string[]>(7).ToImmutableHashSet();
        return (server, ReadAcl(reader, 8), extensions);
    }

    private static async Task<ImmutableDictionary<string, CurrentSchema>> ReadSchemasAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var schemas = ImmutableDictionary.CreateBuilder<string, CurrentSchema>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var schema = new CurrentSchema(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), ReadAcl(reader, 3))
                { GrantOptionHolders = reader.GetFieldValue<string[]>(5).ToImmutableHashSet(StringComparer.Ordinal), CurrentUserHasAdminOnOwner = reader.GetBoolean(6) };
            schemas[schema.Name] = schema;
        }
        return schemas.ToImmutable();
    }

    /// <summary>
    /// Reads the grouped rows of <c>4_objects</c> (schema, kind, owner, ACL, then the names and signatures of the
    /// objects sharing them): one ACL dictionary per group, shared by its objects.
    /// </summary>
    private static async Task<ImmutableArray<DbObject>> ReadObjectsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var objects = ImmutableArray.CreateBuilder<DbObject>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string schema = reader.GetString(0), owner = reader.GetString(2);
            var kind = ParseKind(reader.GetString(1));
            bool ownerPrivileges = reader.GetBoolean(3);
            var acl = ReadAcl(reader, 4);
            // Without names (a summarised inspection) the group stands for its objects as one representative.
            var names = reader.IsDBNull(6) ? [GroupPlaceholder] : reader.GetFieldValue<string[]>(6);
            var signatures = reader.IsDBNull(7) ? [""] : reader.GetFieldValue<string[]>(7);
            string subKind = reader.GetString(8);
            bool ownerIsSuperuser = reader.GetBoolean(9), linked = reader.GetBoolean(10), member = reader.GetBoolean(12);
            string? code = reader.IsDBNull(13) ? null : reader.GetString(13);
            for (int i = 0; i < names.Length; i++)
                objects.Add(new DbObject(Schema: schema, Name: names[i], Signature: signatures[i], Kind: kind, Owner: owner,
                    CurrentUserHasOwnerPrivileges: ownerPrivileges, Acl: acl)
                { SubKind = subKind, OwnerIsSuperuser = ownerIsSuperuser, LinkedToTable = linked, ExtensionMember = member, Code = code });
        }
        // A stable order keeps the plan deterministic whatever order the server returns rows in.
        objects.Sort(static (a, b) => CompareObjects(a, b));
        return objects.ToImmutable();
    }

    /// <summary>The schemas with a declared owner: those whose objects the ownership planner hands over.</summary>
    private static string[] DeclaredSchemas(InspectionScope scope) =>
        scope.Schemas.Where((_, i) => scope.SchemaOwners[i].Length > 0).ToArray();

    private static async Task<ImmutableArray<OwnedObject>> ReadOwnedAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var owned = ImmutableArray.CreateBuilder<OwnedObject>();
        while (await reader.ReadAsync(cancellationToken))
            owned.Add(new OwnedObject(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetBoolean(4)));
        return owned.ToImmutable();
    }

    private static async Task<ImmutableArray<DefaultAcl>> ReadDefaultAclsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var entries = ImmutableArray.CreateBuilder<DefaultAcl>();
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new DefaultAcl(reader.GetString(0), reader.IsDBNull(1) ? DefaultAcl.Global : reader.GetString(1),
                ParseKind(reader.GetString(2)), ReadAcl(reader, 3)));
        return entries.ToImmutable();
    }

    private static async Task<ImmutableArray<ColumnGrant>> ReadColumnGrantsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var grants = ImmutableArray.CreateBuilder<ColumnGrant>();
        while (await reader.ReadAsync(cancellationToken))
            grants.Add(new ColumnGrant(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? CurrentState.Public : reader.GetString(2),
                Privileges.Parse(reader.GetString(3)), reader.GetFieldValue<string[]>(4).ToImmutableArray()) { WithGrantOption = reader.GetBoolean(5) });
        grants.Sort(static (a, b) => string.CompareOrdinal($"{a.Schema}.{a.Table}.{a.Grantee}.{(int)a.Privileges}", $"{b.Schema}.{b.Table}.{b.Grantee}.{(int)b.Privileges}"));
        return grants.ToImmutable();
    }

    private static int CompareObjects(DbObject a, DbObject b)
    {
        int c = string.CompareOrdinal(a.Schema, b.Schema);
        if (c == 0) c = a.Kind.CompareTo(b.Kind);
        if (c == 0) c = string.CompareOrdinal(a.Name, b.Name);
        return c != 0 ? c : string.CompareOrdinal(a.Signature, b.Signature);
    }

    private static ObjectKind ParseKind(string kind) => kind switch
    {
        "r" => ObjectKind.Table,
        "s" or "S" => ObjectKind.Sequence,
        "f" => ObjectKind.Routine,
        _ => throw new InvalidOperationException($"Unexpected object kind '{kind}' from the catalog."),
    };

    /// <summary>Reads the parallel grantee/privilege arrays at <paramref name="ordinal"/> into grantee → privileges.</summary>
    private static ImmutableDictionary<string, Privilege> ReadAcl(NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal)) return ImmutableDictionary<string, Privilege>.Empty;
        var grantees = reader.GetFieldValue<string?[]>(ordinal);
        var privileges = reader.GetFieldValue<string[]>(ordinal + 1);
        var acl = new Dictionary<string, Privilege>(StringComparer.Ordinal);
        for (int i = 0; i < grantees.Length; i++)
        {
            string grantee = grantees[i] ?? CurrentState.Public;
            string privilege = privileges[i];
            // A trailing '*' marks a privilege held WITH GRANT OPTION (the objects query only).
            var flags = privilege.EndsWith('*') ? Privileges.Parse(privilege[..^1]) | Privilege.GrantOption : Privileges.Parse(privilege);
            acl[grantee] = acl.GetValueOrDefault(grantee) | flags;
        }
        return acl.ToImmutableDictionary(StringComparer.Ordinal);
    }
}
