using Npgsql;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests;

/// <summary>
/// One test's own database on the shared server, its own role names (roles are cluster-wide), and an
/// engine connected as the RDS-like master user.
/// </summary>
public sealed class TestDatabase
{
    private TestDatabase(PostgresServer server, string name, string prefix)
    {
        Server = server;
        Name = name;
        Prefix = prefix;
    }

    public PostgresServer Server { get; }
    public string Name { get; }
    public string Prefix { get; }

    public string App => Prefix + "_app";
    public string Migrator => Prefix + "_migrator";

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = await PostgresServer.Shared;
        string name = await server.CreateDatabaseAsync();
        return new TestDatabase(server, name, "r" + Guid.NewGuid().ToString("N")[..8]);
    }

    public ConnectionSettings MasterSettings => new("127.0.0.1", Server.Port, Name, PostgresServer.MasterUser,
        new Secret(Server.MasterPassword), TlsMode.Disable);

    public Engine Engine(PlanExecutor? executor = null) => new(new NpgsqlConnectionFactory(MasterSettings), executor: executor);

    public DesiredState DefaultLayout(AuthMode auth = AuthMode.Password, string schema = "app") => Config.DefaultLayout.Build(new DefaultLayoutOptions(
        Name, schema, App, Migrator, auth, AppPassword: new Secret(Password(App)), MigratorPassword: new Secret(Password(Migrator))));

    public static string Password(string role) => "pw-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(role)))[..16];

    public Task<RunResult> ApplyAsync(DesiredState desired) => Engine().ApplyAsync(desired, ExecutionOptions.Default, dryRun: false, CancellationToken.None);

    public Task<RunResult> PlanAsync(DesiredState desired) => Engine().PlanAsync(desired, CancellationToken.None);

    /// <summary>Logs in over TCP with a password, as the application would.</summary>
    public async Task<NpgsqlConnection> LoginAsync(string role)
    {
        var conn = new NpgsqlConnection(Server.ConnectionString(Name, role, Password(role)));
        await conn.OpenAsync();
        return conn;
    }

    public Task<NpgsqlConnection> MasterAsync() => Server.OpenMasterAsync(Name);

    public Task<NpgsqlConnection> SuperuserAsync() => Server.OpenSuperuserAsync(Name);

    public static Task Exec(NpgsqlConnection conn, string sql) => PostgresServer.Exec(conn, sql);

    public static Task<T> Scalar<T>(NpgsqlConnection conn, string sql) => PostgresServer.Scalar<T>(conn, sql);

    /// <summary>Runs SQL and returns its SQLSTATE, or null when it succeeded.</summary>
    public static async Task<string?> SqlStateOf(NpgsqlConnection conn, string sql)
    {
        try { await Exec(conn, sql); return null; }
        catch (PostgresException ex) { return ex.SqlState; }
    }

    /// <summary>Every ACL, owner, role attribute and membership that a run could change, as text to compare.</summary>
    // Memberships only where this test's roles are involved: the master's other memberships change under concurrent tests.
    public async Task<string> SnapshotAsync()
    {
        await using var conn = await SuperuserAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT string_agg(line, E'\n' ORDER BY line) FROM (
              SELECT 'db ' || coalesce(datacl::text, '-') AS line FROM pg_database WHERE datname = current_database()
              UNION ALL SELECT 'ns ' || nspname || ' ' || nspowner::regrole || ' ' || coalesce(nspacl::text, '-') FROM pg_namespace
              UNION ALL SELECT 'rel ' || oid::regclass || ' ' || coalesce(relacl::text, '-') FROM pg_class WHERE relnamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
              UNION ALL SELECT 'proc ' || oid::regprocedure || ' ' || coalesce(proacl::text, '-') FROM pg_proc WHERE pronamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema')
              UNION ALL SELECT 'defacl ' || defaclrole::regrole || ' ' || defaclnamespace::regnamespace::text || ' ' || defaclobjtype::text || ' ' || defaclacl::text FROM pg_default_acl
              UNION ALL SELECT 'role ' || rolname || ' ' || rolcanlogin || rolcreatedb || rolcreaterole || rolinherit || rolconnlimit || ' ' || coalesce(rolconfig::text, '-') FROM pg_roles WHERE rolname LIKE '{Prefix}%' OR rolname = '{PostgresServer.MasterUser}'
              UNION ALL SELECT 'member ' || roleid::regrole || ' ' || member::regrole FROM pg_auth_members WHERE member::regrole::text LIKE '%{Prefix}%' OR roleid::regrole::text LIKE '%{Prefix}%'
            ) s
            """, conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
