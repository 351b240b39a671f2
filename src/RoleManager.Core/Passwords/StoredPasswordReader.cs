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
        // In a rolled-back transaction with the run's settings, as every catalog read of the tool (PlanTransaction).
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var setting in Execute.PlanTransaction.Settings(options)) batch.BatchCommands.Add(setting);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Query) { Parameters = { new() { Value = roles } } });
        return await Inspect.CatalogReads.GuardAsync(connection, async () =>
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            var stored = new Dictionary<string, StoredPassword>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                stored[name] = new StoredPassword(name, reader.GetBoolean(1), PasswordMarker.Read(reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
            return stored;
        }, cancellationToken);
    }
}
