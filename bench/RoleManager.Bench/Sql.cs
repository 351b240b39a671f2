using Npgsql;

namespace RoleManager.Bench;

/// <summary>Statements without the driver's 30 s command timeout: copying or vacuuming a 100,000-table catalog takes longer.</summary>
internal static class Sql
{
    public static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> Scalar<T>(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
