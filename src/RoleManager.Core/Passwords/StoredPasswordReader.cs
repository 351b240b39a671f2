using Npgsql;
using RoleManager.Connect;

namespace RoleManager.Passwords;

/// <summary>Reads, for the declared password roles that exist, whether they can log in and the version marker in their comment.</summary>
internal static class StoredPasswordReader
{
    // shobj_description reads pg_shdescription, which every user may read: no privilege beyond the master's login.
    private const string Query =
        "SELECT r.rolname::text, r.rolcanlogin, shobj_description(r.oid, 'pg_authid') FROM pg_roles r WHERE r.rolname = ANY($1)";

    public static async Task<Dictionary<string, StoredPassword>> ReadAsync(IConnectionFactory connections, string[] roles,
        Execute.ExecutionOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // A read-only transaction with the run's settings, as every catalog read of the tool (the engine's plan and inspect).
        await using var transaction = await Execute.PlanTransaction.StartAsync(connection, options, Execute.TransactionMode.AlwaysRollback,
            logger: null, cancellationToken, serialise: false);
        var stored = await Inspect.CatalogReads.GuardAsync(connection, () => transaction.FirstBatchAsync(async prelude =>
        {
            await using var batch = new NpgsqlBatch(connection, transaction.Transaction);
            foreach (var command in prelude.Commands) batch.BatchCommands.Add(command);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Query) { Parameters = { new() { Value = roles } } });
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await prelude.SkipAsync(reader, cancellationToken);
            var found = new Dictionary<string, StoredPassword>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                found[name] = new StoredPassword(name, reader.GetBoolean(1), PasswordMarker.Read(reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
            return found;
        }, cancellationToken), cancellationToken);
        await transaction.FinishAsync(cancellationToken);
        return stored;
    }
}
