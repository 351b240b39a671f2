using Npgsql;

namespace RoleManager.Testing;

/// <summary>
/// Counts logins from the server's own connection log (<c>log_connections</c>), so a test measures what the server saw,
/// not what the client meant to do: a login as the master is a line <c>connection authorized: user=rm_master database=…</c>.
/// </summary>
public static class ConnectionLog
{
    private static readonly SemaphoreSlim Enabling = new(1, 1);
    private static readonly HashSet<int> Enabled = [];

    /// <summary>The logins of <paramref name="user"/> into <paramref name="database"/> while <paramref name="run"/> runs.</summary>
    public static async Task<int> CountLoginsAsync(this PostgresServer server, string database, string user, Func<Task> run)
    {
        string login = $"connection authorized: user={user} database={database}";
        // What follows the database name (application_name, SSL) differs by major and connection: a space, or nothing.
        return (await server.LogLinesAsync(database, run)).Count(line => line.TrimEnd().Contains(login + " ", StringComparison.Ordinal) || line.TrimEnd().EndsWith(login, StringComparison.Ordinal));
    }

    /// <summary>The lines the server logged while <paramref name="run"/> ran (between two marks in <paramref name="database"/>).</summary>
    public static async Task<string[]> LogLinesAsync(this PostgresServer server, string database, Func<Task> run)
    {
        await EnableAsync(server);
        string start = await MarkAsync(server, database);
        await run();
        string end = await MarkAsync(server, database);
        string log = Read(server.LogFile);
        int from = log.IndexOf(start, StringComparison.Ordinal), to = log.IndexOf(end, StringComparison.Ordinal);
        return log[from..to].Split('\n');
    }

    /// <summary>Turns the connection log on for the server (new sessions log their login; other tests only get more lines).</summary>
    private static async Task EnableAsync(PostgresServer server)
    {
        await Enabling.WaitAsync();
        try
        {
            if (!Enabled.Add(server.Port)) return;
            await using var conn = await server.OpenSuperuserAsync("postgres");
            await PostgresServer.Exec(conn, "ALTER SYSTEM SET log_connections = 'on'");
            await PostgresServer.Exec(conn, "SELECT pg_reload_conf()");
        }
        finally
        {
            Enabling.Release();
        }
    }

    /// <summary>
    /// A superuser login with a name no other has, waited for in the log: the lines before it are written (each backend
    /// logs its login before the client may go on), and the first one also waits for the reload to reach new sessions.
    /// </summary>
    private static async Task<string> MarkAsync(PostgresServer server, string database)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(50))
        {
            string mark = "rm-log-mark-" + Guid.NewGuid().ToString("N");
            var settings = new NpgsqlConnectionStringBuilder(server.ConnectionString(database, PostgresServer.SuperUser, server.SuperPassword)) { ApplicationName = mark };
            await using (var conn = new NpgsqlConnection(settings.ConnectionString)) await conn.OpenAsync();
            for (var seen = DateTime.UtcNow.AddSeconds(2); DateTime.UtcNow < seen; await Task.Delay(20))
                if (Read(server.LogFile).Contains(mark, StringComparison.Ordinal)) return mark;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The server's log ({server.LogFile}) shows no connection lines: is log_connections on?");
        }
    }

    private static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }
}
