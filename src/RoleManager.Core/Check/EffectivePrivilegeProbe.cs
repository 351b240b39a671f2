using Npgsql;
using RoleManager.Model;

namespace RoleManager.Check;

/// <summary>
/// Asks the server itself (has_table_privilege and friends, which count ownership, memberships, predefined roles
/// such as pg_write_all_data, PUBLIC and column grants) what a role may do on every existing object of a schema,
/// and compares it with what the layout declares (<see cref="PrivilegeModel"/>). Read-only.
/// </summary>
internal static class EffectivePrivilegeProbe
{
    private const string Sql = """
        WITH rel AS (
            SELECT c.oid, c.oid::regclass::text AS name, c.relkind = 'S' AS seq, c.relowner AS owner
            FROM pg_class c WHERE c.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = $2) AND c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S')
        ), fn AS (
            SELECT p.oid, p.oid::regprocedure::text AS name, p.proowner AS owner FROM pg_proc p WHERE p.pronamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = $2)
        )
        SELECT d FROM (
            SELECT (CASE WHEN r.seq THEN 'sequence ' ELSE 'table ' END) || r.name || ': ' || p
                   || CASE WHEN h THEN ' allowed but not declared' ELSE ' declared but refused' END AS d
            FROM rel r
            CROSS JOIN LATERAL unnest(CASE WHEN r.seq THEN $5::text[] ELSE $3::text[] END) p
            CROSS JOIN LATERAL (SELECT CASE WHEN r.seq THEN has_sequence_privilege($1::name, r.oid, p) ELSE has_table_privilege($1::name, r.oid, p) END AS h) x
            WHERE h <> (p = ANY(CASE WHEN r.seq THEN $6::text[] ELSE $4::text[] END))
            UNION ALL
            SELECT 'table ' || r.name || ': ' || p || ' on some columns allowed but not declared'
            FROM rel r CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) p
            WHERE NOT r.seq AND NOT (p = ANY($4::text[])) AND has_any_column_privilege($1::name, r.oid, p)
            UNION ALL
            SELECT 'routine ' || f.name || ': EXECUTE' || CASE WHEN has_function_privilege($1::name, f.oid, 'EXECUTE') THEN ' allowed but not declared' ELSE ' declared but refused' END
            FROM fn f WHERE has_function_privilege($1::name, f.oid, 'EXECUTE') <> $7
            UNION ALL
            SELECT 'owns ' || r.name || ' (may alter or drop it)' FROM rel r WHERE NOT $8 AND pg_has_role($1::name, r.owner, 'USAGE')
            UNION ALL
            SELECT 'owns routine ' || f.name || ' (may alter or drop it)' FROM fn f WHERE NOT $8 AND pg_has_role($1::name, f.owner, 'USAGE')
            UNION ALL
            SELECT 'schema: ' || p || CASE WHEN has_schema_privilege($1::name, $2, p) THEN ' allowed but not declared' ELSE ' declared but refused' END
            FROM unnest(ARRAY['USAGE', 'CREATE']) p WHERE has_schema_privilege($1::name, $2, p) <> (p = ANY($9::text[]))
        ) v ORDER BY d LIMIT 20
        """;

    /// <summary>The differences (empty when the role may do exactly what is declared), at most 20.</summary>
    public static async Task<List<string>> DifferencesAsync(NpgsqlConnection connection, DesiredState desired, string role, SchemaSpec schema,
        int serverVersion, CancellationToken cancellationToken)
    {
        bool owner = PrivilegeModel.OwnsSchema(desired, role, schema);
        Privilege Expected(ObjectKind kind) => owner ? Privileges.AllFor(kind, serverVersion) : PrivilegeModel.Effective(desired, role, schema, kind, serverVersion);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        command.Parameters.Add(new NpgsqlParameter { Value = schema.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(Privileges.AllFor(ObjectKind.Table, serverVersion)) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(Expected(ObjectKind.Table)) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(Privileges.AllFor(ObjectKind.Sequence, serverVersion)) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(Expected(ObjectKind.Sequence)) });
        command.Parameters.Add(new NpgsqlParameter { Value = Expected(ObjectKind.Routine).HasFlag(Privilege.Execute) });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(PrivilegeModel.EffectiveOnSchema(desired, role, schema)) });
        var differences = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) differences.Add(reader.GetString(0));
        return differences;
    }

    private static string[] Names(Privilege privileges) =>
        Privileges.ToSql(privileges).Split(", ", StringSplitOptions.RemoveEmptyEntries);
}
