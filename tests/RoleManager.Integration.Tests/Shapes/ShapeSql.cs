using RoleManager.Model;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Shapes;

/// <summary>Turns one test database into a shape that RDS and Aurora users have, and loads small configs.</summary>
internal static class ShapeSql
{
    /// <summary>
    /// Schema public as on RDS 13/14 and on any database upgraded from them: owned by the superuser <c>rdsadmin</c>,
    /// PUBLIC may create in it.
    /// </summary>
    public static async Task GivePublicToASuperuserAsync(TestDatabase db)
    {
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, $"ALTER SCHEMA public OWNER TO {PostgresServer.RdsAdmin}");
        await TestDatabase.Exec(su, "GRANT CREATE, USAGE ON SCHEMA public TO PUBLIC");
    }

    /// <summary>What RDS sets on 16+: roles the master creates give it SET and INHERIT on them (here for this database only).</summary>
    public static async Task SetCreateroleSelfGrantAsync(TestDatabase db, string value = "set, inherit")
    {
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, $"ALTER ROLE {PostgresServer.MasterUser} IN DATABASE \"{db.Name}\" SET createrole_self_grant = '{value}'");
    }

    /// <summary>The master's pg_auth_members rows (every column the major has), one line each, for before/after comparisons.</summary>
    public static async Task<List<string>> MasterMembershipsAsync(TestDatabase db)
    {
        await using var su = await db.SuperuserAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"""
            SELECT m.roleid::regrole::text || ' grantor=' || m.grantor::regrole::text || ' ' ||
                   (to_jsonb(m) - 'oid' - 'roleid' - 'member' - 'grantor')::text
            FROM pg_auth_members m WHERE m.member = '{PostgresServer.MasterUser}'::regrole ORDER BY 1
            """, su);
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    public static DesiredState Config(TestDatabase db, string yaml) =>
        RoleManager.Config.ConfigLoader.Load($"database: {db.Name}\n" + yaml, "t.yaml", _ => null, new());
}
