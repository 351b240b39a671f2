using Npgsql;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Testing;

namespace RoleManager.Reliability.Tests.Support;

/// <summary>
/// One test's database and role names on a server set up like RDS, and the "rich" layout the reliability
/// tests apply: migrator, app (readwrite) and reporting (readonly) with passwords, two schemas, one of which
/// already holds tables, sequences, a view and a function (so the plan has well over 15 statements).
/// </summary>
public sealed class TestDb
{
    private TestDb(PostgresServer server, string name, string prefix)
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
    public string Reporting => Prefix + "_reporting";
    public string AppPassword => "app-secret-" + Prefix + "-Zq9";
    public string MigratorPassword => "mig-secret-" + Prefix + "-Xw7";
    public string ReportingPassword => "rep-secret-" + Prefix + "-Vt5";

    /// <param name="prefix">Role-name prefix; databases given the same one share their (cluster-wide) roles.</param>
    public static async Task<TestDb> CreateAsync(PostgresServer? server = null, string? prefix = null)
    {
        server ??= await PostgresServer.Shared;
        string name = await server.CreateDatabaseAsync("rel");
        return new TestDb(server, name, prefix ?? NewPrefix());
    }

    public static string NewPrefix() => "q" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Existing objects, as a first migration run by the master would have left them.</summary>
    public async Task SeedExistingObjectsAsync()
    {
        await using var conn = await Server.OpenMasterAsync(Name);
        await PostgresServer.Exec(conn, """
            CREATE SCHEMA app;
            CREATE TABLE app.customers (id serial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer_id int REFERENCES app.customers, total numeric);
            CREATE TABLE app.audit (at timestamptz DEFAULT now(), what text);
            CREATE SEQUENCE app.invoice_numbers;
            CREATE VIEW app.order_totals AS SELECT customer_id, sum(total) AS total FROM app.orders GROUP BY customer_id;
            CREATE FUNCTION app.add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b';
            """);
    }

    public string ConfigYaml => $"""
        database: {Name}
        auth: password
        schemas:
          - {"{"} name: app, owner: {Migrator} {"}"}
          - {"{"} name: reports, owner: {Migrator} {"}"}
        roles:
          - name: {Migrator}
            password_env: MIGRATOR_PASSWORD
            search_path: [app]
          - name: {App}
            password_env: APP_PASSWORD
            search_path: [app]
            grants:
              - {"{"} schema: app, profile: readwrite {"}"}
          - name: {Reporting}
            password_env: REPORTING_PASSWORD
            connection_limit: 5
            search_path: [reports, app]
            grants:
              - {"{"} schema: app, profile: readonly {"}"}
              - {"{"} schema: reports, profile: readonly {"}"}
        """;

    public async Task<string> WriteConfigAsync()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rm-rel-{Name}.yaml");
        await File.WriteAllTextAsync(path, ConfigYaml);
        return path;
    }

    public string? Environment(string name) => name switch
    {
        "APP_PASSWORD" => AppPassword,
        "MIGRATOR_PASSWORD" => MigratorPassword,
        "REPORTING_PASSWORD" => ReportingPassword,
        _ => null,
    };

    public DesiredState Desired() => ConfigLoader.Load(ConfigYaml, "reliability.yaml", Environment, new ConfigDefaults());

    public ConnectionSettings MasterSettings => new("127.0.0.1", Server.Port, Name, PostgresServer.MasterUser,
        new Secret(Server.MasterPassword), TlsMode.Disable);

    public Engine Engine(PlanExecutor? executor = null) => new(new NpgsqlConnectionFactory(MasterSettings), executor: executor);

    public Task<RunResult> ApplyAsync(PlanExecutor? executor = null, ExecutionOptions? options = null) =>
        Engine(executor).ApplyAsync(Desired(), options ?? ExecutionOptions.Default, dryRun: false, CancellationToken.None);

    public Task<RunResult> PlanAsync() => Engine().PlanAsync(Desired(), CancellationToken.None);

    public Task<string> SnapshotAsync() => CatalogSnapshot.TakeAsync(Server, Name, Prefix);

    /// <summary>Ends every session of the master user on this database from a second (superuser) connection.</summary>
    public async Task<int> TerminateMasterSessionsAsync()
    {
        await using var conn = await Server.OpenSuperuserAsync("postgres");
        await using var cmd = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND usename = @user AND pid <> pg_backend_pid()", conn);
        cmd.Parameters.AddWithValue("db", Name);
        cmd.Parameters.AddWithValue("user", PostgresServer.MasterUser);
        return (int)(long)(await cmd.ExecuteScalarAsync())!;
    }
}
