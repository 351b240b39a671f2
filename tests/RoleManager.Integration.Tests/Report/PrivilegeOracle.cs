using Npgsql;
using RoleManager.Audit;

namespace RoleManager.Integration.Tests.Report;

/// <summary>One question to PostgreSQL: does <see cref="Role"/> have <see cref="Privilege"/> (with grant option?) on the object.</summary>
public sealed record OracleAnswer(string Role, string Kind, string? Schema, string Name, string Privilege, bool GrantOption, bool Has)
{
    public override string ToString() =>
        $"{Role} {Privilege}{(GrantOption ? " WITH GRANT OPTION" : "")} on {Kind} {Schema}{(Schema is null ? "" : ".")}{Name}: PostgreSQL says {Has}";
}

/// <summary>
/// Asks PostgreSQL's own has_database/schema/table/sequence/function/column_privilege for every role × object ×
/// privilege (with and without grant option) of the user schemas. PUBLIC is asked as 'public'.
/// </summary>
public static class PrivilegeOracle
{
    public static async Task<List<OracleAnswer>> AskAsync(NpgsqlConnection superuser, IReadOnlyList<string> roles, int versionNum)
    {
        string[] sqlRoles = [.. roles.Select(r => r == PrivilegeGraph.PublicName ? "public" : r)];
        var answers = new List<OracleAnswer>();
        string[] table = versionNum >= 170000
            ? ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"]
            : ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
        const string userSchema = "n.nspname !~ '^(pg_|information_schema$)'";
        var queries = new (string Kind, string[] Privileges, string Sql)[]
        {
            ("database", ["CONNECT", "CREATE", "TEMPORARY"],
                "SELECT NULL::text, d.datname::text, has_database_privilege(r, d.oid, p) FROM pg_database d WHERE d.datname = current_database()"),
            ("schema", ["USAGE", "CREATE"],
                $"SELECT NULL::text, n.nspname::text, has_schema_privilege(r, n.oid, p) FROM pg_namespace n WHERE {userSchema}"),
            ("table", table,
                $"SELECT n.nspname::text, c.relname::text, has_table_privilege(r, c.oid, p) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {userSchema} AND c.relkind IN ('r','v','m','f','p')"),
            ("sequence", ["USAGE", "SELECT", "UPDATE"],
                $"SELECT n.nspname::text, c.relname::text, has_sequence_privilege(r, c.oid, p) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {userSchema} AND c.relkind = 'S'"),
            ("routine", ["EXECUTE"],
                $"SELECT n.nspname::text, p2.proname || '(' || pg_get_function_identity_arguments(p2.oid) || ')', has_function_privilege(r, p2.oid, p) FROM pg_proc p2 JOIN pg_namespace n ON n.oid = p2.pronamespace WHERE {userSchema}"),
            ("column", ["SELECT", "INSERT", "UPDATE", "REFERENCES"],
                $"SELECT n.nspname::text, c.relname || '.' || a.attname, has_column_privilege(r, c.oid, a.attnum, p) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {userSchema} AND c.relkind IN ('r','v','m','f','p') AND a.attnum > 0 AND NOT a.attisdropped"),
        };
        foreach (var (kind, privileges, sql) in queries)
        {
            // r = role, p = privilege text, go = with grant option; the object query is lateral per (r, p).
            string full = $"""
                SELECT roles.r, pv.p, go, o.*
                FROM unnest($1::text[]) AS roles(r), unnest($2::text[]) AS privs(p0), unnest(ARRAY[false, true]) AS go,
                     LATERAL (SELECT CASE WHEN go THEN privs.p0 || ' WITH GRANT OPTION' ELSE privs.p0 END AS p) pv,
                     LATERAL ({sql.Replace("(r, ", "(roles.r, ").Replace(", p)", ", pv.p)")}) o
                """;
            await using var cmd = new NpgsqlCommand(full, superuser);
            cmd.Parameters.Add(new NpgsqlParameter { Value = sqlRoles });
            cmd.Parameters.Add(new NpgsqlParameter { Value = privileges });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                string role = reader.GetString(0);
                string privilege = reader.GetString(1).Replace(" WITH GRANT OPTION", "");
                answers.Add(new OracleAnswer(role == "public" ? PrivilegeGraph.PublicName : role, kind,
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), privilege, reader.GetBoolean(2), reader.GetBoolean(5)));
            }
        }
        return answers;
    }

    /// <summary>
    /// What the report says PostgreSQL will answer: an entry of the role or of PUBLIC, not needing SET ROLE, on that
    /// object (or all of its kind in the schema), with that privilege; for a grant option, a grantable entry or ownership;
    /// for a column, the table-level privilege too.
    /// </summary>
    public static bool ReportSays(AuditReport report, OracleAnswer q)
    {
        bool Matches(AccessEntry e, string kind, string name) =>
            (e.Role == q.Role || e.Role == PrivilegeGraph.PublicName) && !e.NeedsSetRole && !e.On.Future && e.On.Kind == kind
            && (kind == "database" || e.On.Schema == (kind == "schema" ? q.Name : q.Schema))
            && (e.On.All || e.On.Names.Contains(name))
            && (q.GrantOption ? (e.Grantable && e.Privileges.Contains(q.Privilege)) || e.Privileges.Contains("OWN") : e.Privileges.Contains(q.Privilege));
        if (report.Access.Any(e => Matches(e, q.Kind, q.Name))) return true;
        return q.Kind == "column" && report.Access.Any(e => Matches(e, "table", q.Name.Split('.')[0]));
    }
}
