using Npgsql;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Model;

namespace RoleManager.Testing;

/// <summary>
/// One test's own database on a server set up like RDS, its own role names (roles are cluster-wide, so a
/// prefix keeps tests apart), and an engine connected as the RDS-like master user. Two layouts: the default
/// one (app + migrator, <see cref="DefaultLayout"/>) and the "rich" one the reliability tests apply
/// (migrator, app readwrite, reporting readonly, two schemas, <see cref="RichLayout"/>).
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
    public string Reporting => Prefix + "_reporting";
    public string AppPassword => Password(App);
    public string MigratorPassword => Password(Migrator);
    public string ReportingPassword => Password(Reporting);

    /// <param name="server">The server; the shared one when not given.</param>
    /// <param name="prefix">Role-name prefix; databases given the same one share their (cluster-wide) roles.</param>
    public static async Task<TestDatabase> CreateAsync(PostgresServer? server = null, string? prefix = null)
    {
        server ??= await PostgresServer.Shared;
        string name = await server.CreateDatabaseAsync();
        return new TestDatabase(server, name, prefix ?? NewPrefix());
    }

    public static string NewPrefix() => "r" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A role's password, derived from its name so every helper and host agrees on it without passing it around.</summary>
    public static string Password(string role) => "pw-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(role)))[..16];

    /// <summary>
    /// The role-password variables the layouts read, as a config loader's (or a run's) environment: <c>*_PASSWORD</c>
    /// and the short names test layouts use (<c>M</c>, <c>A</c>, <c>R</c>); null for anything else.
    /// </summary>
    public string? Environment(string name) => name switch
    {
        "APP_PASSWORD" or "A" => AppPassword,
        "MIGRATOR_PASSWORD" or "M" => MigratorPassword,
        "REPORTING_PASSWORD" or "R" => ReportingPassword,
        _ => null,
    };

    /// <summary>
    /// A layout written for this database; a <c>password_env</c> other than those of <see cref="Environment"/> names
    /// the role <c>{prefix}_{name in lower case}</c> (<c>LEGACY</c> → <c>{prefix}_legacy</c>).
    /// </summary>
    public DesiredState LoadLayout(string yaml) =>
        ConfigLoader.Load(yaml, "test.yaml", name => Environment(name) ?? Password(Prefix + "_" + name.ToLowerInvariant()), new ConfigDefaults());

    /// <summary>Migrator owns schema app and app reads and writes it (both with search_path app), then <paramref name="moreRoles"/> (YAML list items).</summary>
    public DesiredState PasswordLayout(string moreRoles = "") => LoadLayout($$"""
        database: {{Name}}
        auth: password
        schemas: [{ name: app, owner: {{Migrator}} }]
        roles:
          - { name: {{Migrator}}, password_env: M, search_path: [app] }
          - { name: {{App}}, password_env: A, search_path: [app], grants: [{ schema: app, profile: readwrite }] }
        {{moreRoles}}
        """);

    public ConnectionSettings MasterSettings => new("127.0.0.1", Server.Port, Name, PostgresServer.MasterUser,
        new Secret(Server.MasterPassword), TlsMode.Disable);

    /// <summary>
    /// A request as a host makes it, over the master's own connection inputs and environment (<c>PGPASSWORD</c>, the
    /// role passwords): what the use case gets from the CLI. The layout is the default one (app + migrator, password
    /// logins) unless <paramref name="layout"/> says otherwise.
    /// </summary>
    public UseCases.RunRequest Request(UseCases.RunAction action, bool dryRun = false, ExecutionOptions? options = null, LayoutInputs? layout = null) => new(action, dryRun,
        layout ?? new LayoutInputs(Auth: AuthMode.Password, AppUser: App, MigratorUser: Migrator),
        new ConnectionInputs(Host: "127.0.0.1", Port: Server.Port, Username: PostgresServer.MasterUser, Database: Name, SslMode: "disable"),
        name => name == "PGPASSWORD" ? Server.MasterPassword : Environment(name),
        options ?? ExecutionOptions.Default);

    public Engine Engine(PlanExecutor? executor = null) => new(new NpgsqlConnectionFactory(MasterSettings), executor: executor);

    public DesiredState DefaultLayout(AuthMode auth = AuthMode.Password, string schema = "app") => Config.DefaultLayout.Build(new DefaultLayoutOptions(
        Name, schema, App, Migrator, auth, AppPassword: new Secret(AppPassword), MigratorPassword: new Secret(MigratorPassword)));

    /// <summary>Migrator, app (readwrite) and reporting (readonly) with passwords and two schemas: a plan of well over 15 statements.</summary>
    public string RichConfigYaml => $"""
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

    public DesiredState RichLayout() => ConfigLoader.Load(RichConfigYaml, "rich.yaml", Environment, new ConfigDefaults());

    /// <summary>Writes <see cref="RichConfigYaml"/> to a file for the CLI's <c>--config</c>.</summary>
    public async Task<string> WriteRichConfigAsync()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rm-{Name}.yaml");
        await File.WriteAllTextAsync(path, RichConfigYaml);
        return path;
    }

    /// <summary>Existing objects in schema app, as a first migration run by the master would have left them.</summary>
    public async Task SeedExistingObjectsAsync()
    {
        await using var conn = await MasterAsync();
        await Exec(conn, """
            CREATE SCHEMA app;
            CREATE TABLE app.customers (id serial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer_id int REFERENCES app.customers, total numeric);
            CREATE TABLE app.audit (at timestamptz DEFAULT now(), what text);
            CREATE SEQUENCE app.invoice_numbers;
            CREATE VIEW app.order_totals AS SELECT customer_id, sum(total) AS total FROM app.orders GROUP BY customer_id;
            CREATE FUNCTION app.add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b';
            """);
    }

    public Task<RunResult> ApplyAsync(DesiredState desired, PlanExecutor? executor = null, ExecutionOptions? options = null) =>
        Engine(executor).ApplyAsync(desired, options ?? ExecutionOptions.Default, dryRun: false, CancellationToken.None);

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

    /// <summary>Everything a run could change in this database and in this test's roles (<see cref="CatalogSnapshot"/>).</summary>
    public Task<string> SnapshotAsync() => CatalogSnapshot.TakeAsync(Server, Name, Prefix);

    /// <summary>
    /// Drops this database (ending its sessions) and every role of this test's prefix, for tests that make many
    /// databases (the drift fuzzer: one per seed). Best effort for the roles: one that still holds something elsewhere stays.
    /// </summary>
    public async Task DropAsync()
    {
        await using var conn = await Server.OpenSuperuserAsync("postgres");
        await Exec(conn, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        string roles = await Scalar<string>(conn,
            $"SELECT coalesce(string_agg(quote_ident(rolname), ', '), '') FROM pg_roles WHERE starts_with(rolname, '{Prefix}_')");
        if (roles == "") return;
        try { await Exec(conn, $"DROP OWNED BY {roles}; DROP ROLE {roles}"); }
        catch (PostgresException) { }
    }

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
