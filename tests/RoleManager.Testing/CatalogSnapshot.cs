using Npgsql;

namespace RoleManager.Testing;

/// <summary>
/// Everything an apply could change, as sorted text lines to compare: the database's ACL and owner, every
/// schema, relation, sequence, routine (owner + ACL), default ACLs, extensions, and — for the test's roles
/// (its prefix), the master and the rds_* roles — every attribute, the password verifier, per-database
/// settings and every membership of the test's roles with all its options (admin, and inherit/set on 16+), plus
/// the master's rds_* memberships (not the master's ADMIN on other tests' roles: those change in parallel, so every
/// test compares this one snapshot without filtering it).
/// </summary>
public static class CatalogSnapshot
{
    public static async Task<string> TakeAsync(PostgresServer server, string database, string prefix)
    {
        await using var conn = await server.OpenSuperuserAsync(database);
        string roles = $"(rolname LIKE '{prefix}%' OR rolname = '{PostgresServer.MasterUser}' OR rolname LIKE 'rds%')";
        await using var cmd = new NpgsqlCommand($"""
            WITH scoped AS (SELECT oid, rolname FROM pg_authid WHERE {roles})
            SELECT string_agg(line, E'\n' ORDER BY line) FROM (
              SELECT 'db ' || datname || ' owner=' || datdba::regrole || ' ' || coalesce(datacl::text, '-') AS line FROM pg_database WHERE datname = current_database()
              UNION ALL SELECT 'ns ' || nspname || ' owner=' || nspowner::regrole || ' ' || coalesce(nspacl::text, '-') FROM pg_namespace
              UNION ALL SELECT 'rel ' || relkind::text || ' ' || oid::regclass || ' owner=' || relowner::regrole || ' ' || coalesce(relacl::text, '-')
                FROM pg_class WHERE relnamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
              UNION ALL SELECT 'proc ' || oid::regprocedure || ' owner=' || proowner::regrole || ' ' || coalesce(proacl::text, '-')
                FROM pg_proc WHERE pronamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema')
              UNION ALL SELECT 'defacl ' || defaclrole::regrole || ' ' || coalesce(nullif(defaclnamespace, 0)::regnamespace::text, '*') || ' ' || defaclobjtype::text || ' ' || defaclacl::text FROM pg_default_acl
              UNION ALL SELECT 'ext ' || extname || ' ' || extversion || ' ' || extnamespace::regnamespace FROM pg_extension
              UNION ALL SELECT 'role ' || a.rolname || ' ' || (to_jsonb(a) - 'oid' - 'rolname')::text FROM pg_authid a WHERE {roles}
              UNION ALL SELECT 'setting ' || coalesce(s.rolname, '*') || ' ' || coalesce(d.datname, '*') || ' ' || c.setconfig::text
                FROM pg_db_role_setting c LEFT JOIN scoped s ON s.oid = c.setrole LEFT JOIN pg_database d ON d.oid = c.setdatabase
                WHERE (c.setrole = 0 OR s.oid IS NOT NULL) AND (c.setdatabase = 0 OR d.datname = current_database())
              UNION ALL SELECT 'member ' || m.roleid::regrole || ' <- ' || m.member::regrole || ' by ' || m.grantor::regrole || ' '
                || (to_jsonb(m) - 'oid' - 'roleid' - 'member' - 'grantor')::text
                FROM pg_auth_members m
                WHERE m.roleid IN (SELECT oid FROM pg_authid WHERE rolname LIKE '{prefix}%') OR m.member IN (SELECT oid FROM pg_authid WHERE rolname LIKE '{prefix}%')
                   OR (m.member::regrole::text = '{PostgresServer.MasterUser}' AND m.roleid::regrole::text LIKE 'rds%')
            ) s
            """, conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
