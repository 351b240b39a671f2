using Npgsql;
using RoleManager.Model;

namespace RoleManager.Check;

/// <summary>
/// Asks the server itself (has_table_privilege and friends, which count ownership, memberships, predefined roles
/// such as pg_write_all_data, PUBLIC and column grants) what a role may do on every existing object of a schema,
/// and compares it with what the layout declares (<see cref="PrivilegeModel"/>). Read-only. An extension's members
/// (pg_depend deptype 'e') are not asked about: they are the extension's, and the layout's profiles do not reach them
/// (the planner neither grants nor revokes on them; docs/security.md, "Ownership is privilege").
/// One query answers for every role that expects the same (an <see cref="Expectation"/>): the role names go in as
/// an array, so 1,000 readers on a schema are one round trip, not 1,000.
/// </summary>
internal static class EffectivePrivilegeProbe
{
    // Each role is the outer row of a LATERAL subquery, so all of one role's checks run one after another: the server
    // caches one role's memberships at a time (roles_is_member_of), and a plan that went object by object over the roles
    // recomputed them at every call, each a search of a catalog-cache list that grows with the roles (quadratic:
    // 25 s of server time for 5,000 roles on PostgreSQL 15, most of it in the ownership test).
    private const string Sql = """
        WITH rel AS (
            SELECT c.oid, c.oid::regclass::text AS name, c.relname::text AS relname, c.relkind = 'S' AS seq, c.relowner AS owner
            FROM pg_class c WHERE c.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = $2) AND c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        ), fn AS (
            SELECT p.oid, p.oid::regprocedure::text AS name, p.proowner AS owner FROM pg_proc p WHERE p.pronamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = $2)
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        )
        SELECT rn::text, d FROM (
            SELECT w.rn, v.d, row_number() OVER (PARTITION BY w.rn ORDER BY v.d) AS k
            FROM (SELECT u::name AS rn FROM unnest($1::text[]) u) w
            CROSS JOIN LATERAL (
                SELECT (CASE WHEN r.seq THEN 'sequence ' ELSE 'table ' END) || r.name || ': ' || p
                       || CASE WHEN h THEN ' allowed but not declared' ELSE ' declared but refused' END AS d
                FROM rel r
                CROSS JOIN LATERAL unnest(CASE WHEN r.seq THEN $5::text[] ELSE $3::text[] END) p
                CROSS JOIN LATERAL (SELECT CASE WHEN r.seq THEN has_sequence_privilege(w.rn, r.oid, p) ELSE has_table_privilege(w.rn, r.oid, p) END AS h) x
                WHERE h <> (p = ANY(CASE WHEN r.seq THEN $6::text[] ELSE $4::text[] END) OR (NOT r.seq AND r.relname || E'\t' || p = ANY($10::text[])))
                UNION ALL
                SELECT 'table ' || r.name || ': ' || p || ' on some columns allowed but not declared'
                FROM rel r CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) p
                WHERE NOT r.seq AND NOT (p = ANY($4::text[])) AND NOT (r.relname || E'\t' || p = ANY($10::text[])) AND has_any_column_privilege(w.rn, r.oid, p)
                  AND (cardinality($11::text[]) = 0 OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
                       AND NOT (r.relname || E'\t' || a.attname || E'\t' || p = ANY($11::text[])) AND has_column_privilege(w.rn, r.oid, a.attnum, p)))
                UNION ALL
                SELECT 'table ' || r.name || ': ' || split_part(c, E'\t', 3) || ' on column ' || split_part(c, E'\t', 2) || ' declared but refused'
                FROM unnest($11::text[]) c JOIN rel r ON NOT r.seq AND r.relname = split_part(c, E'\t', 1)
                WHERE NOT has_column_privilege(w.rn, r.oid, split_part(c, E'\t', 2), split_part(c, E'\t', 3))
                UNION ALL
                SELECT 'routine ' || f.name || ': EXECUTE' || CASE WHEN has_function_privilege(w.rn, f.oid, 'EXECUTE') THEN ' allowed but not declared' ELSE ' declared but refused' END
                FROM fn f WHERE has_function_privilege(w.rn, f.oid, 'EXECUTE') <> $7
                UNION ALL
                SELECT 'owns ' || r.name || ' (may alter or drop it)' FROM rel r WHERE NOT $8 AND pg_has_role(w.rn, r.owner, 'USAGE')
                UNION ALL
                SELECT 'owns routine ' || f.name || ' (may alter or drop it)' FROM fn f WHERE NOT $8 AND pg_has_role(w.rn, f.owner, 'USAGE')
                UNION ALL
                SELECT 'schema: ' || p || CASE WHEN has_schema_privilege(w.rn, $2, p) THEN ' allowed but not declared' ELSE ' declared but refused' END
                FROM unnest(ARRAY['USAGE', 'CREATE']) p WHERE has_schema_privilege(w.rn, $2, p) <> (p = ANY($9::text[]))
            ) v
        ) ranked WHERE k <= 20 ORDER BY rn, d
        """;

    /// <summary>What a role is expected to be allowed on a schema's objects: roles with equal expectations share a query.</summary>
    /// <paramref name="NamedTables"/> and <paramref name="NamedColumns"/>: the named grants (<c>tables:</c>, <c>columns:</c>)
    /// as tab-separated <c>table PRIVILEGE</c> and <c>table column PRIVILEGE</c> lines, a string so that equal ones compare equal.
    internal sealed record Expectation(bool Owner, Privilege Table, Privilege Sequence, bool Execute, Privilege Schema,
        Privilege AllTable, Privilege AllSequence, string NamedTables = "", string NamedColumns = "");

    public static Expectation ExpectationOf(DesiredState desired, string role, SchemaSpec schema, int serverVersion)
    {
        bool owner = PrivilegeModel.OwnsSchema(desired, role, schema);
        Privilege Expected(ObjectKind kind) => owner ? Privileges.AllFor(kind, serverVersion) : PrivilegeModel.Effective(desired, role, schema, kind, serverVersion);
        var named = owner ? [] : PrivilegeModel.EffectiveNamed(desired, role, schema).ToList();
        string Lines(IEnumerable<string> lines) => string.Join("\n", lines.Distinct().Order(StringComparer.Ordinal));
        return new Expectation(owner, Expected(ObjectKind.Table), Expected(ObjectKind.Sequence), Expected(ObjectKind.Routine).HasFlag(Privilege.Execute),
            PrivilegeModel.EffectiveOnSchema(desired, role, schema),
            Privileges.AllFor(ObjectKind.Table, serverVersion), Privileges.AllFor(ObjectKind.Sequence, serverVersion),
            Lines(named.Where(n => !n.OnColumns).SelectMany(n => Names(n.Privileges).Select(p => $"{n.Table}\t{p}"))),
            Lines(named.Where(n => n.OnColumns).SelectMany(n => n.Columns.SelectMany(c => Names(n.Privileges).Select(p => $"{n.Table}\t{c}\t{p}")))));
    }

    /// <summary>For each of <paramref name="roles"/> that differs, its differences (at most 20 each); a role not in the answer may do exactly what is declared.</summary>
    public static async Task<Dictionary<string, List<string>>> DifferencesAsync(NpgsqlConnection connection, Expectation expected, string[] roles, SchemaSpec schema,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = roles });
        command.Parameters.Add(new NpgsqlParameter { Value = schema.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.AllTable) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.Table) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.AllSequence) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.Sequence) });
        command.Parameters.Add(new NpgsqlParameter { Value = expected.Execute });
        command.Parameters.Add(new NpgsqlParameter { Value = expected.Owner });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.Schema) });
        command.Parameters.Add(new NpgsqlParameter { Value = expected.NamedTables.Split('\n', StringSplitOptions.RemoveEmptyEntries) });
        command.Parameters.Add(new NpgsqlParameter { Value = expected.NamedColumns.Split('\n', StringSplitOptions.RemoveEmptyEntries) });
        var differences = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string role = reader.GetString(0);
            if (!differences.TryGetValue(role, out var list)) differences[role] = list = new List<string>();
            list.Add(reader.GetString(1));
        }
        return differences;
    }

    private static string[] Names(Privilege privileges) =>
        Privileges.ToSql(privileges).Split(", ", StringSplitOptions.RemoveEmptyEntries);
}
