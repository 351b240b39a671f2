using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// The layout most users run: the default app + migrator layout (no config file) over a large app schema. A converged
/// <c>apply</c> of the AOT CLI against the idempotent psql script a team would re-run for that layout, on the same
/// database, interleaved run by run; with <c>--cli-before</c>, a second build interleaved too.
/// </summary>
/// <remarks>With a <see cref="TlsServer"/> (the cli-tls section) every program connects as a user on RDS does: TLS
/// verify-full against a CA file, with the machine's own CA store in place (the CLI with <c>--sslrootcert</c>, psql with
/// <c>PGSSLMODE</c>/<c>PGSSLROOTCERT</c>).</remarks>
internal sealed class DefaultLayoutBench(Fixture fixture, StatementCounter counter, BenchOptions options, Action<string> progress, TlsServer? tls = null)
{
    public const string Database = "bench_default";
    public const string App = "dl_app";
    public const string Migrator = "dl_migrator";
    public const string Schema = "app";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private bool _built;

    private PostgresServer Server => fixture.Server;

    /// <summary>The CLI arguments of the default layout (auth none: the bench measures the master's run, not the logins).</summary>
    public string[] Arguments(string command) =>
        [command, "--output", "json", .. tls is null ? ["--sslmode", "disable"] : (string[])["--sslmode", "verify-full", "--sslrootcert", tls.CaFile],
         "--auth", "none", "--app-user", App, "--migrator-user", Migrator,
         "-h", "127.0.0.1", "-p", Server.Port.ToString(), "-U", PostgresServer.MasterUser, "-d", Database];

    /// <summary>The same bench over TLS verify-full, sharing the database this one built.</summary>
    public DefaultLayoutBench WithTls(TlsServer server) => new(fixture, counter, options, progress, server) { _built = _built };

    /// <summary>psql's libpq variables for the same connection (TLS as the CLI has it, or none).</summary>
    private Dictionary<string, string?> PsqlVariables(string password) => tls is null
        ? new() { ["PGPASSWORD"] = password, ["PGSSLMODE"] = "disable" }
        : new() { ["PGPASSWORD"] = password, ["PGSSLMODE"] = "verify-full", ["PGSSLROOTCERT"] = tls.CaFile };

    /// <summary>Creates the database once: the layout applied, then the migrator's tables and functions, converged.</summary>
    public async Task EnsureBuiltAsync()
    {
        if (_built) return;
        int tables = options.DefaultTables;
        progress($"[default] building {Database}: default layout, {tables:N0} tables and {tables / 10:N0} functions in schema {Schema} owned by {Migrator}");
        var clock = Stopwatch.StartNew();
        await fixture.DropAsync(Database);
        await using (var su = await Server.OpenSuperuserAsync("postgres"))
            await Sql.Exec(su, $"CREATE DATABASE {Database} OWNER {PostgresServer.MasterUser}");
        await CliAsync(options.Cli, "apply");
        int next = -250;
        async Task BuildAsync()
        {
            await using var conn = await fixture.OpenQuietAsync(Database);
            for (int first = Interlocked.Add(ref next, 250); first < tables; first = Interlocked.Add(ref next, 250))
            {
                var sql = new StringBuilder($"BEGIN; SET LOCAL ROLE {Migrator};\n");
                for (int t = first; t < Math.Min(first + 250, tables); t++)
                {
                    sql.Append($"CREATE TABLE {Schema}.t{t + 1:000000} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), quantity integer);\n");
                    if (t % 10 == 0) sql.Append($"CREATE FUNCTION {Schema}.f{t / 10 + 1:00000}(a integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + {t}';\n");
                }
                sql.Append("COMMIT;");
                await Sql.Exec(conn, sql.ToString());
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(BuildAsync)));
        await fixture.VacuumCatalogAsync(Database);
        var converged = await CliAsync(options.Cli, "apply");
        if (converged.Changes != 0)
            progress($"  [default] the migrator's new objects needed {converged.Changes} changes (its default privileges should have covered them)");
        var plan = await CliAsync(options.Cli, "plan");
        if (plan.Changes != 0) throw new InvalidOperationException($"{Database} is not converged: plan has {plan.Changes} changes.");
        await fixture.VacuumCatalogAsync(Database);
        progress($"  [default] built in {clock.Elapsed.TotalSeconds:0.0} s");
        _built = true;
    }

    public async Task<DefaultLayoutResult> RunAsync()
    {
        await EnsureBuiltAsync();
        string script = Path.Combine(options.Output, "default-layout.sql");
        await File.WriteAllTextAsync(script, BaselineSql());
        string inspection = Path.Combine(options.Output, "default-layout-inspection.sql");
        await File.WriteAllTextAsync(inspection, InspectionFloor.Script(options.Repository, Migrator, App, Schema));
        await CliAsync(options.Cli, "plan"); // warm-up, not counted
        var after = new List<Sample>();
        var before = new List<Sample>();
        var psql = new List<Sample>();
        var floor = new List<Sample>();
        for (int r = 1; r <= options.DefaultRepeats; r++)
        {
            var a = await CliAsync(options.Cli, "apply");
            if (a.Statements != 0) throw new InvalidOperationException($"the converged apply executed {a.Statements} statements.");
            after.Add(a);
            progress($"  [default] {r}/{options.DefaultRepeats} apply (converged): {a.Seconds:0.000} s, server ran {a.Server.Total} statements ({a.Server.OtherReads} other reads: {a.Server.OtherReadsMs:0} ms)");
            if (options.CliBefore is { } old)
            {
                var b = await CliAsync(old, "apply");
                before.Add(b);
                progress($"  [default] {r}/{options.DefaultRepeats} apply, --cli-before: {b.Seconds:0.000} s, server ran {b.Server.Total} statements ({b.Server.OtherReads} other reads: {b.Server.OtherReadsMs:0} ms)");
            }
            var p = await PsqlAsync(script);
            psql.Add(p);
            progress($"  [default] {r}/{options.DefaultRepeats} psql script: {p.Seconds:0.000} s ({p.Server.Total} statements)");
            var f = await InspectionAsync(inspection);
            floor.Add(f);
            progress($"  [default] {r}/{options.DefaultRepeats} psql sending the inspection's queries: {f.Seconds:0.000} s ({f.Server.InspectorMs + f.Server.OtherReadsMs:0} ms of server time in reads)");
            await fixture.VacuumCatalogAsync(Database);
        }
        var check = await CliAsync(options.Cli, "plan");
        if (check.Changes != 0) throw new InvalidOperationException($"the psql script changed {Database} ({check.Changes} changes planned after it).");
        return new DefaultLayoutResult(options.DefaultTables, new Series("apply (converged)", after),
            before.Count > 0 ? new Series("apply (converged), --cli-before", before) : null, new Series("psql script", psql))
        {
            Floor = new Series("psql sending the inspection's queries (the floor)", floor),
            Tls = tls is not null,
        };
    }

    /// <summary>
    /// What a team re-runs on every deploy for the default layout: the database, schema, table, sequence and routine
    /// grants of the app role (readwrite), the migrator's default privileges for it, and both roles' search_path.
    /// </summary>
    public static string BaselineSql() => $"""
        -- Generated by bench/RoleManager.Bench: the default layout (app + migrator) granted again, run with psql -1.
        GRANT CONNECT, TEMPORARY ON DATABASE {Database} TO {Migrator}, {App};
        ALTER ROLE {Migrator} IN DATABASE {Database} SET search_path = {Schema};
        ALTER ROLE {App} IN DATABASE {Database} SET search_path = {Schema};
        GRANT USAGE ON SCHEMA {Schema} TO {App};
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {Schema} TO {App};
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {Schema} TO {App};
        GRANT EXECUTE ON ALL ROUTINES IN SCHEMA {Schema} TO {App};
        ALTER DEFAULT PRIVILEGES FOR ROLE {Migrator} IN SCHEMA {Schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {App};
        ALTER DEFAULT PRIVILEGES FOR ROLE {Migrator} IN SCHEMA {Schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {App};
        ALTER DEFAULT PRIVILEGES FOR ROLE {Migrator} IN SCHEMA {Schema} GRANT EXECUTE ON FUNCTIONS TO {App};

        """;

    private async Task<Sample> CliAsync(string program, string command)
    {
        await counter.ResetAsync(Database);
        var run = await ProcessMeter.RunAsync(program, Arguments(command), new Dictionary<string, string?> { ["PGPASSWORD"] = Server.MasterPassword }, Timeout);
        if (run.ExitCode != 0) throw new InvalidOperationException($"{program} {command} exited {run.ExitCode}:\n{run.Stderr}");
        var server = await counter.ReadAsync(Database);
        using var json = JsonDocument.Parse(run.Stdout);
        return new Sample(run.Seconds, run.PeakRssMiB, json.RootElement.GetProperty("statementsExecuted").GetInt32(),
            json.RootElement.GetProperty("changes").GetArrayLength(), server);
    }

    /// <summary>As the master, as the tool: <see cref="InspectionFloor"/>'s script, its rows thrown away.</summary>
    private Task<Sample> InspectionAsync(string script) =>
        PsqlAsync(script, PostgresServer.MasterUser, Server.MasterPassword, "-o", "/dev/null");

    /// <summary>As the superuser: the master is not a member of the migrator outside RoleManager's own transaction; a GRANT costs the same.</summary>
    private Task<Sample> PsqlAsync(string script) => PsqlAsync(script, PostgresServer.SuperUser, Server.SuperPassword, "-1");

    /// <summary>One measured <c>psql -f</c> on the database as <paramref name="user"/>, with what the server ran.</summary>
    private async Task<Sample> PsqlAsync(string script, string user, string password, params string[] flags)
    {
        await counter.ResetAsync(Database);
        var run = await ProcessMeter.RunAsync(options.Psql, ["-X", "-q", .. flags, "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Server.Port.ToString(),
            "-U", user, "-d", Database, "-f", script], PsqlVariables(password), Timeout);
        if (run.ExitCode != 0) throw new InvalidOperationException($"psql -f {Path.GetFileName(script)} exited {run.ExitCode}:\n{run.Stderr}");
        var server = await counter.ReadAsync(Database);
        return new Sample(run.Seconds, run.PeakRssMiB, (int)server.Total, 0, server);
    }
}
