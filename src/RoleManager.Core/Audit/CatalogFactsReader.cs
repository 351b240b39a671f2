using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using RoleManager.Model;

namespace RoleManager.Audit;

/// <summary>
/// Reads <see cref="CatalogFacts"/> with the seven queries of <c>Queries/</c>, sent as one batch (one round
/// trip). Read-only: it runs in <see cref="Execute.PlanTransaction"/>'s snapshot mode (REPEATABLE READ, READ ONLY, the
/// run's timeouts, no JIT or parallel workers), so a report can never change anything and sees one instant.
/// </summary>
public static class CatalogFactsReader
{
    private static readonly ImmutableArray<string> Queries = [.. AuditSql.Names.Select(AuditSql.Load)];

    public static async Task<CatalogFacts> ReadAsync(NpgsqlConnection connection, Execute.ExecutionOptions options, CancellationToken cancellationToken,
        ILogger? logger = null)
    {
        logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        long started = Stopwatch.GetTimestamp();
        // The one transaction owner's snapshot mode: REPEATABLE READ, READ ONLY and the run's settings, sent in front of
        // the queries (one round trip), always rolled back.
        await using var transaction = await Execute.PlanTransaction.StartAsync(connection, options, Execute.TransactionMode.Snapshot,
            logger, cancellationToken, serialise: false);
        for (int i = 0; i < AuditSql.Names.Count; i++) AuditLog.Querying(logger, i + 1, AuditSql.Names.Count, AuditSql.Names[i]);
        var facts = await transaction.FirstBatchAsync(prelude => ReadAsync(transaction, prelude, cancellationToken), cancellationToken);
        await transaction.FinishAsync(cancellationToken);
        AuditLog.Read(logger, facts.Roles.Length, facts.Schemas.Length, facts.Objects.Length, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return facts;
    }

    private static async Task<CatalogFacts> ReadAsync(Execute.PlanTransaction transaction, Execute.BatchPrelude prelude, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction.Transaction);
        foreach (var command in prelude.Commands) batch.BatchCommands.Add(command);
        foreach (string sql in Queries) batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await prelude.SkipAsync(reader, cancellationToken);

        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidOperationException("The current database is not in pg_database.");
        int versionNum = reader.GetInt32(0);
        string version = reader.GetString(1), connectedAs = reader.GetString(2), database = reader.GetString(3);
        uint owner = reader.GetFieldValue<uint>(4);
        var databaseAcl = ReadAcl(reader, 5);

        await reader.NextResultAsync(cancellationToken);
        var roles = ImmutableArray.CreateBuilder<RoleFacts>();
        while (await reader.ReadAsync(cancellationToken))
            roles.Add(new RoleFacts(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3),
                reader.GetBoolean(4), reader.GetBoolean(5), reader.GetBoolean(6), reader.GetBoolean(7), reader.GetBoolean(8), reader.GetInt32(9)));
        var inheritOf = roles.ToDictionary(r => r.Oid, r => r.Inherit);

        await reader.NextResultAsync(cancellationToken);
        var memberships = ImmutableArray.CreateBuilder<MembershipFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            uint group = reader.GetFieldValue<uint>(0), member = reader.GetFieldValue<uint>(1);
            bool inherit = reader.IsDBNull(3) ? inheritOf.GetValueOrDefault(member) : reader.GetBoolean(3);
            bool set = reader.IsDBNull(4) || reader.GetBoolean(4);
            memberships.Add(new MembershipFacts(member, group, reader.GetBoolean(2), inherit, set));
        }

        await reader.NextResultAsync(cancellationToken);
        var schemas = ImmutableArray.CreateBuilder<SchemaFacts>();
        while (await reader.ReadAsync(cancellationToken))
            schemas.Add(new SchemaFacts(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetFieldValue<uint>(2), ReadAcl(reader, 3)));

        await reader.NextResultAsync(cancellationToken);
        var objects = ImmutableArray.CreateBuilder<ObjectGroupFacts>();
        while (await reader.ReadAsync(cancellationToken))
            objects.Add(new ObjectGroupFacts(reader.GetFieldValue<uint>(0), ParseKind(reader.GetString(1)), reader.GetFieldValue<uint>(2),
                ReadAcl(reader, 3), [.. reader.GetFieldValue<string[]>(6)]));

        await reader.NextResultAsync(cancellationToken);
        var columns = ImmutableArray.CreateBuilder<ColumnFacts>();
        while (await reader.ReadAsync(cancellationToken))
            columns.Add(new ColumnFacts(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<uint>(3), ReadAcl(reader, 4)));

        await reader.NextResultAsync(cancellationToken);
        var defaults = ImmutableArray.CreateBuilder<DefaultAclFacts>();
        while (await reader.ReadAsync(cancellationToken))
            defaults.Add(new DefaultAclFacts(reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1), ParseKind(reader.GetString(2)), ReadAcl(reader, 3)));

        return new CatalogFacts(versionNum, version, connectedAs, database, owner, databaseAcl, roles.ToImmutable(),
            memberships.ToImmutable(), schemas.ToImmutable(), objects.ToImmutable(), columns.ToImmutable(), defaults.ToImmutable());
    }

    private static ObjectKind ParseKind(string kind) => kind switch
    {
        "r" => ObjectKind.Table,
        "s" or "S" => ObjectKind.Sequence,
        "f" => ObjectKind.Routine,
        _ => throw new InvalidOperationException($"Unexpected object kind '{kind}' from the catalog."),
    };

    /// <summary>Reads the parallel grantee / privilege / grantable arrays starting at <paramref name="ordinal"/>.</summary>
    private static ImmutableArray<AclEntry> ReadAcl(NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal)) return [];
        var grantees = reader.GetFieldValue<uint[]>(ordinal);
        var privileges = reader.GetFieldValue<string[]>(ordinal + 1);
        var grantable = reader.GetFieldValue<bool[]>(ordinal + 2);
        var acl = ImmutableArray.CreateBuilder<AclEntry>(grantees.Length);
        for (int i = 0; i < grantees.Length; i++)
            acl.Add(new AclEntry(grantees[i], Privileges.Parse(privileges[i]), grantable[i]));
        return acl.MoveToImmutable();
    }
}
