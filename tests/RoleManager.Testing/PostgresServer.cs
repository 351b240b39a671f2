using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RoleManager.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster on 127.0.0.1 and a free port, set up like RDS: a non-superuser
/// "master" role with CREATEROLE and CREATEDB, member of an <c>rds_superuser</c> group, and an
/// <c>rds_iam</c> role. One cluster serves a whole test process (<see cref="Shared"/>); each test
/// takes its own database and role names, so tests run in parallel. Stopped when the process exits.
/// Binaries: <c>PG_BIN</c>, else the newest <c>/usr/lib/postgresql/*/bin</c>. Their shared libraries:
/// <c>PG_LIB</c>, else a <c>lib</c> folder beside <c>bin</c> that holds versioned libraries (as the npm
/// <c>@embedded-postgres</c> packages ship them), passed as <c>LD_LIBRARY_PATH</c>. As root the server runs as
/// the <c>postgres</c> system user (initdb refuses root), which must be able to read the binaries.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string MasterUser = "rm_master";
    public const string SuperUser = "postgres";
    /// <summary>The superuser RDS keeps for itself; the rds and upgraded shapes give it schema public.</summary>
    public const string RdsAdmin = "rdsadmin";

    /// <summary>
    /// The shape of the cluster, from <c>RM_PG_SHAPE</c> (default <c>plain</c>), so that the whole suite runs on each shape
    /// that RDS and Aurora users have:
    /// <list type="bullet">
    /// <item><c>plain</c>: as before — before 15 the master is given schema public in template1; from 15 pg_database_owner owns it.</item>
    /// <item><c>rds</c>: real RDS — a superuser <c>rdsadmin</c> owns public before 15 (PUBLIC may CREATE there); from 16
    /// <c>createrole_self_grant = 'set, inherit'</c> as the RDS parameter group sets it.</item>
    /// <item><c>upgraded</c>: a database upgraded from 14 — on every major <c>rdsadmin</c> owns public and PUBLIC may CREATE there.</item>
    /// <item><c>selfgrant</c>: plain, plus <c>createrole_self_grant = 'set, inherit'</c> on 16+.</item>
    /// <item><c>shared</c>: plain, plus three other application databases with their own cluster-wide roles and objects.</item>
    /// </list>
    /// </summary>
    public static string Shape { get; } = Environment.GetEnvironmentVariable("RM_PG_SHAPE") is { Length: > 0 } shape ? shape : "plain";

    public static readonly string[] Shapes = ["plain", "rds", "upgraded", "selfgrant", "shared"];

    /// <summary>True when schema public of a new database belongs to a superuser (so the master cannot revoke CREATE there).</summary>
    public bool PublicOwnedBySuperuser => Shape == "upgraded" || (Shape == "rds" && VersionNum < 150000);

    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(() => StartAsync(Environment.GetEnvironmentVariable("PG_BIN")));
    private Process _process;
    private readonly string _directory;
    private readonly string _bin;
    private readonly string? _lib;
    private int _databases;

    private PostgresServer(Process process, string directory, string bin, string? lib, int port, string masterPassword, string superPassword)
    {
        _process = process;
        _directory = directory;
        _bin = bin;
        _lib = lib;
        Port = port;
        MasterPassword = masterPassword;
        SuperPassword = superPassword;
    }

    public static Task<PostgresServer> Shared => SharedServer.Value;

    public int Port { get; }
    public int VersionNum { get; private set; }
    public string MasterPassword { get; }
    public string SuperPassword { get; }
    public string LogFile => Path.Combine(_directory, "server.log");

    public static string FindBinaries(string? explicitBin)
    {
        if (!string.IsNullOrEmpty(explicitBin))
            return File.Exists(Path.Combine(explicitBin, "postgres")) ? explicitBin
                : throw new InvalidOperationException($"PG_BIN={explicitBin} has no 'postgres' binary.");
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out int v) ? v : 0).ToList()
            : new List<string>();
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and PG_BIN). Install them: sudo apt-get install -y postgresql, or run bin/test which does it.");
    }

    /// <summary>
    /// The folder to put on <c>LD_LIBRARY_PATH</c> for these binaries, or null when they use the system's
    /// libraries: <c>PG_LIB</c>, else <c>bin/../lib</c> when it holds versioned shared libraries (<c>lib*.so.N</c>).
    /// </summary>
    public static string? FindLibraries(string bin)
    {
        string? explicitLib = Environment.GetEnvironmentVariable("PG_LIB");
        if (!string.IsNullOrEmpty(explicitLib))
            return Directory.Exists(explicitLib) ? explicitLib : throw new InvalidOperationException($"PG_LIB={explicitLib} is not a folder.");
        string lib = Path.GetFullPath(Path.Combine(bin, "..", "lib"));
        return Directory.Exists(lib) && Directory.EnumerateFiles(lib, "lib*.so.*").Any() ? lib : null;
    }

    public static async Task<PostgresServer> StartAsync(string? explicitBin)
    {
        string bin = FindBinaries(explicitBin);
        string? lib = FindLibraries(bin);
        bool root = Environment.UserName == "root";
        if (root) CheckReadableByPostgresUser(bin);
        // bin/test points RM_TEST_TMP at a folder of its own and sweeps it afterwards.
        string directory = Path.Combine(Environment.GetEnvironmentVariable("RM_TEST_TMP") is { Length: > 0 } tmp ? tmp : Path.GetTempPath(),
            "rm-pg-" + Guid.NewGuid().ToString("N")[..8]);
        string data = Path.Combine(directory, "data");
        Directory.CreateDirectory(directory);
        string superPassword = "su-" + Guid.NewGuid().ToString("N");
        string masterPassword = "master-" + Guid.NewGuid().ToString("N");
        string pwfile = Path.Combine(directory, "pwfile");
        await File.WriteAllTextAsync(pwfile, superPassword);
        if (root) Run("chown", $"-R postgres:postgres {directory}");

        RunAs(root, lib, Path.Combine(bin, "initdb"), $"-D {data} -U {SuperUser} --pwfile={pwfile} --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync");
        File.Delete(pwfile);

        int port = FreePort();
        var process = Launch(bin, lib, directory, port);
        var server = new PostgresServer(process, directory, bin, lib, port, masterPassword, superPassword);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAsync().GetAwaiter().GetResult();
        await server.WaitUntilReadyAsync();
        await using (var conn = await server.OpenSuperuserAsync("postgres"))
        {
            int version = server.VersionNum = conn.PostgreSqlVersion.Major * 10000;
            await Exec(conn, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            await Exec(conn, "CREATE ROLE rds_superuser NOLOGIN");
            await Exec(conn, "CREATE ROLE rds_iam NOLOGIN");
            await Exec(conn, $"CREATE ROLE {MasterUser} LOGIN CREATEROLE CREATEDB PASSWORD '{masterPassword}'");
            await Exec(conn, $"GRANT rds_superuser TO {MasterUser}");
            // On 16+ granting a role needs ADMIN on it (RDS gives its master ADMIN on rds_iam); before 16, CREATEROLE suffices.
            if (version >= 160000)
                await Exec(conn, $"GRANT rds_iam TO {MasterUser} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE");
        }
        if (!Shapes.Contains(Shape))
            throw new InvalidOperationException($"RM_PG_SHAPE={Shape} is not a shape; use one of {string.Join(", ", Shapes)}.");
        await server.ApplyShapeAsync();
        if (server.VersionNum < 150000 && Shape is "plain" or "selfgrant" or "shared")
        {
            // Before 15 the public schema belongs to the bootstrap superuser; RDS hands it to the master user in
            // template1 (so every database created later has it), which is why the master can REVOKE CREATE ON
            // SCHEMA public FROM PUBLIC there. From 15 it is owned by pg_database_owner everywhere.
            foreach (string database in new[] { "template1", "postgres" })
            {
                await using var conn = await server.OpenSuperuserAsync(database);
                await Exec(conn, $"ALTER SCHEMA public OWNER TO {MasterUser}");
            }
        }
        return server;
    }

    /// <summary>Sets up <see cref="Shape"/> once the server runs (see there).</summary>
    private async Task ApplyShapeAsync()
    {
        await using var conn = await OpenSuperuserAsync("postgres");
        await Exec(conn, $"CREATE ROLE {RdsAdmin} SUPERUSER NOLOGIN");
        if (VersionNum >= 160000 && Shape is "rds" or "selfgrant")
        {
            await Exec(conn, "ALTER SYSTEM SET createrole_self_grant = 'set, inherit'");
            await Exec(conn, "SELECT pg_reload_conf()");
        }
        if (PublicOwnedBySuperuser)
        {
            await using var template = await OpenSuperuserAsync("template1");
            await Exec(template, $"ALTER SCHEMA public OWNER TO {RdsAdmin}");
            // pg_upgrade keeps the old ACL: PUBLIC may still create in public (the default before 15).
            await Exec(template, "GRANT CREATE, USAGE ON SCHEMA public TO PUBLIC");
        }
        if (Shape == "shared")
        {
            for (int i = 1; i <= 3; i++)
            {
                await Exec(conn, $"CREATE ROLE shared{i}_owner NOLOGIN");
                await Exec(conn, $"CREATE ROLE shared{i}_app LOGIN");
                await Exec(conn, $"CREATE DATABASE shared{i} OWNER {MasterUser}");
                await using var db = await OpenSuperuserAsync($"shared{i}");
                await Exec(db, $"CREATE SCHEMA app AUTHORIZATION shared{i}_owner");
                await Exec(db, $"CREATE TABLE app.t (id int); ALTER TABLE app.t OWNER TO shared{i}_owner");
                await Exec(db, $"GRANT USAGE ON SCHEMA app TO shared{i}_app; GRANT SELECT ON app.t TO shared{i}_app");
            }
        }
    }

    private static Process Launch(string bin, string? lib, string directory, int port)
    {
        bool root = Environment.UserName == "root";
        // Under the watchdog: the server dies with the test process even if that is killed before its clean-up.
        var start = new ProcessStartInfo(root ? "runuser" : "sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var args = new List<string>();
        // runuser may not pass LD_LIBRARY_PATH on: hand it to the server through env(1).
        if (root) args.AddRange(["-u", "postgres", "--", "env", $"LD_LIBRARY_PATH={lib}", "sh"]);
        else if (lib is not null) start.Environment["LD_LIBRARY_PATH"] = lib;
        args.AddRange(Watchdog.ShellArguments(Path.Combine(bin, "postgres"), removeWhenGone: directory));
        args.AddRange(["-D", Path.Combine(directory, "data"), "-p", port.ToString(), "-k", directory, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            // Room for every test's statements (the default 5,000 evicts the newest, least-used entries of a busy suite, and
            // a test counting its own statements would find none): ~40 MB of shared memory.
            "-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all", "-c", "pg_stat_statements.max=100000",
            "-c", "max_connections=200", "-c", "log_line_prefix=%m [%p] %a %u@%d ", "-c", "log_statement=ddl"]);
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var log = new StreamWriter(Path.Combine(directory, "server.log"), append: true) { AutoFlush = true };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>
    /// Stops the server at once, as a crash or a failover would (<c>pg_ctl stop -m immediate</c>), keeping its data
    /// for <see cref="RestartAsync"/>. For a test's own server, never <see cref="Shared"/>.
    /// </summary>
    public async Task CrashAsync()
    {
        RunAs(Environment.UserName == "root", _lib, Path.Combine(_bin, "pg_ctl"), $"stop -D {Path.Combine(_directory, "data")} -m immediate -w", check: false);
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException) { }
    }

    /// <summary>Starts the server again on the same port and data after <see cref="CrashAsync"/> (it recovers from its WAL).</summary>
    public async Task RestartAsync()
    {
        _process = Launch(_bin, _lib, _directory, Port);
        await WaitUntilReadyAsync();
    }

    private static void CheckReadableByPostgresUser(string bin)
    {
        foreach (string program in new[] { "initdb", "postgres", "pg_ctl" })
        {
            var psi = new ProcessStartInfo("runuser", ["-u", "postgres", "--", "test", "-x", Path.Combine(bin, program)]) { UseShellExecute = false, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"The postgres system user cannot run {Path.Combine(bin, program)}: make the binaries and every folder above them readable (chmod -R a+rX), or extract them elsewhere.");
        }
    }

    /// <summary>A fresh database owned by the master user, as RDS creates the initial database.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        string name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        await using var conn = await OpenSuperuserAsync("postgres");
        await Exec(conn, $"CREATE DATABASE \"{name}\" OWNER {MasterUser}");
        if (PublicOwnedBySuperuser)
        {
            // On this shape PUBLIC may create in a superuser-owned public, which only a superuser can change: every
            // plan names it as a finding with the fix below, and a check fails until it is run. The suite runs on the
            // database as it is once that one-time fix is done, so each test still proves everything else on this
            // shape (the master never acts on public); Shapes/* put PUBLIC's CREATE back to test the finding itself.
            await using var db = await OpenSuperuserAsync(name);
            await Exec(db, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
        return name;
    }

    private static readonly SemaphoreSlim HbaGate = new(1, 1);

    /// <summary>
    /// Makes the server let <paramref name="roles"/> into <paramref name="database"/> over TCP without asking for a
    /// password (a <c>trust</c> line in front of the others in pg_hba.conf), as a local server set up for development
    /// may: only that database and those roles, so other tests on the shared server keep their password logins. The
    /// roles must exist (the first one's login is how the reload is awaited).
    /// </summary>
    public async Task TrustAsync(string database, params string[] roles)
    {
        string hba = Path.Combine(_directory, "data", "pg_hba.conf");
        await HbaGate.WaitAsync();
        try
        {
            string lines = string.Concat(roles.Select(role => $"host \"{database}\" \"{role}\" 127.0.0.1/32 trust\n"));
            await File.WriteAllTextAsync(hba, lines + await File.ReadAllTextAsync(hba));
            await using var conn = await OpenSuperuserAsync("postgres");
            await Exec(conn, "SELECT pg_reload_conf()");
            // The postmaster reloads on a signal, a moment later: wait until a wrong password lets the first role in.
            for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(50))
            {
                try
                {
                    await using var trusted = new NpgsqlConnection(ConnectionString(database, roles[0], "not-its-password"));
                    await trusted.OpenAsync();
                    return;
                }
                catch (PostgresException ex) when (ex.SqlState == "28P01" && DateTime.UtcNow < deadline) { }
            }
        }
        finally
        {
            HbaGate.Release();
        }
    }

    public string ConnectionString(string database, string user, string? password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Database = database, Username = user, Password = password, Pooling = false, SslMode = SslMode.Disable,
    }.ConnectionString;

    public async Task<NpgsqlConnection> OpenSuperuserAsync(string database)
    {
        var conn = new NpgsqlConnection(ConnectionString(database, SuperUser, SuperPassword));
        await conn.OpenAsync();
        return conn;
    }

    public async Task<NpgsqlConnection> OpenMasterAsync(string database)
    {
        var conn = new NpgsqlConnection(ConnectionString(database, MasterUser, MasterPassword));
        await conn.OpenAsync();
        return conn;
    }

    public static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> Scalar<T>(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"PostgreSQL exited at start-up; see {LogFile}:\n{SafeReadLog()}");
            try
            {
                await using var conn = await OpenSuperuserAsync("postgres");
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private string SafeReadLog()
    {
        try { return File.ReadAllText(LogFile); } catch (IOException) { return ""; }
    }

    public async Task StopAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        // runuser's child may survive the kill: stop the server by its data directory too.
        try { RunAs(Environment.UserName == "root", _lib, Path.Combine(_bin, "pg_ctl"), $"stop -D {Path.Combine(_directory, "data")} -m immediate", check: false); } catch (Exception) { }
        try { Directory.Delete(_directory, recursive: true); } catch (Exception) { }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void RunAs(bool root, string? lib, string file, string arguments, bool check = true)
    {
        if (root) Run("runuser", $"-u postgres -- env LD_LIBRARY_PATH={lib} {file} {arguments}", check);
        else Run(file, arguments, check, lib);
    }

    private static void Run(string file, string arguments, bool check = true, string? lib = null)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (lib is not null) psi.Environment["LD_LIBRARY_PATH"] = lib;
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed ({p.ExitCode}):\n{output}");
    }
}
