using System.Diagnostics;
using System.Text;
using Npgsql;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// Builds and resets the catalogs. A size is built once as a template database (owner roles, schemas owned by them,
/// tables with an identity sequence and a primary key, SQL functions), in transactions of
/// <see cref="TablesPerTransaction"/> tables (10,000 in one would exhaust max_locks_per_transaction), on two
/// connections. Each first apply then runs on a fresh file copy of the template, and <see cref="ResetAsync"/> puts
/// the cluster-wide roles back to the state before the apply.
/// </summary>
internal sealed class Fixture(PostgresServer server, Action<string> progress)
{
    public const int TablesPerTransaction = 250;
    private const int Builders = 2;

    public PostgresServer Server => server;

    /// <summary>The owner roles exist before the first apply (they ran the migrations); created by the master, as on RDS.</summary>
    public async Task EnsureOwnersAsync()
    {
        await using var conn = await server.OpenMasterAsync("postgres");
        foreach (var owner in BenchLayout.Owners)
            await Sql.Exec(conn, $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{owner}') THEN CREATE ROLE {owner} NOLOGIN; END IF; END $$");
    }

    /// <param name="beforeTables">Runs once the database and its schemas exist, before any table: the catalog section's
    /// converged-only path applies the layout there, so the tables are born with their grants (default privileges).</param>
    public async Task BuildTemplateAsync(string template, Shape shape, Func<Task>? beforeTables = null)
    {
        var clock = Stopwatch.StartNew();
        await using (var su = await server.OpenSuperuserAsync("postgres"))
        {
            await Sql.Exec(su, $"DROP DATABASE IF EXISTS {template} WITH (FORCE)");
            await Sql.Exec(su, $"CREATE DATABASE {template} OWNER {PostgresServer.MasterUser}");
        }
        await using (var su = await OpenQuietAsync(template))
            for (int s = 0; s < BenchLayout.SchemaCount; s++)
                await Sql.Exec(su, $"CREATE SCHEMA {BenchLayout.Schema(s)} AUTHORIZATION {BenchLayout.Owner(s)}");
        if (beforeTables is not null) await beforeTables();

        int next = -1, done = 0;
        async Task BuildAsync()
        {
            await using var conn = await OpenQuietAsync(template);
            for (int s = Interlocked.Increment(ref next); s < BenchLayout.SchemaCount; s = Interlocked.Increment(ref next))
            {
                await BuildSchemaAsync(conn, s, shape);
                int finished = Interlocked.Increment(ref done);
                if (finished % 5 == 0 || shape.Tables >= 100_000)
                    progress($"  fixture {shape.Label}: {finished}/{BenchLayout.SchemaCount} schemas built ({clock.Elapsed.TotalSeconds:0} s)");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Builders).Select(_ => Task.Run(BuildAsync)));

        await using (var su = await OpenQuietAsync(template))
            await Sql.Exec(su, "VACUUM ANALYZE pg_catalog.pg_class, pg_catalog.pg_proc, pg_catalog.pg_namespace, pg_catalog.pg_depend, " +
                                          "pg_catalog.pg_attribute, pg_catalog.pg_type, pg_catalog.pg_default_acl, pg_catalog.pg_shdepend");
        progress($"  fixture {shape.Label}: template {template} built in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task BuildSchemaAsync(NpgsqlConnection conn, int s, Shape shape)
    {
        string schema = BenchLayout.Schema(s), owner = BenchLayout.Owner(s);
        for (int first = 0; first < shape.TablesPerSchema; first += TablesPerTransaction)
        {
            var sql = new StringBuilder($"BEGIN; SET LOCAL ROLE {owner};\n");
            for (int t = first; t < Math.Min(first + TablesPerTransaction, shape.TablesPerSchema); t++)
                sql.Append($"CREATE TABLE {schema}.t{t + 1:00000} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), quantity integer);\n");
            sql.Append("COMMIT;");
            await Sql.Exec(conn, sql.ToString());
        }
        var functions = new StringBuilder($"BEGIN; SET LOCAL ROLE {owner};\n");
        for (int f = 0; f < shape.FunctionsPerSchema; f++)
            functions.Append($"CREATE FUNCTION {schema}.f{f + 1:0000}(a integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + {f}';\n");
        functions.Append("COMMIT;");
        await Sql.Exec(conn, functions.ToString());
    }

    /// <summary>
    /// A schema owned by <paramref name="owner"/> with <paramref name="tables"/> tables <c>t00001</c>... created as the
    /// owner, a few hundred per transaction: 10,000 in one would exhaust max_locks_per_transaction.
    /// </summary>
    public async Task CreateSchemaTablesAsync(string database, string owner, string schema, int tables)
    {
        await using var conn = await OpenQuietAsync(database);
        await Sql.Exec(conn, $"CREATE SCHEMA {schema} AUTHORIZATION {owner}");
        for (int start = 1; start <= tables; start += TablesPerTransaction)
        {
            var sql = new System.Text.StringBuilder($"BEGIN; SET LOCAL ROLE {owner};\n");
            for (int t = start; t < Math.Min(start + TablesPerTransaction, tables + 1); t++)
                sql.Append($"CREATE TABLE {schema}.t{t:00000} (id bigint PRIMARY KEY, note text);\n");
            sql.Append("COMMIT;");
            await Sql.Exec(conn, sql.ToString());
        }
    }

    /// <summary>A fresh copy of the template (a file copy: fast even for 100,000 tables).</summary>
    public async Task CopyAsync(string template, string database)
    {
        await using var su = await server.OpenSuperuserAsync("postgres");
        await Sql.Exec(su, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        string strategy = server.VersionNum >= 150000 ? " STRATEGY FILE_COPY" : "";
        await Sql.Exec(su, $"CREATE DATABASE {database} TEMPLATE {template} OWNER {PostgresServer.MasterUser}{strategy}");
    }

    /// <summary>Drops the database and the roles the first apply created, and puts the owner roles back as they were.</summary>
    public async Task ResetAsync(string database)
    {
        await using var su = await server.OpenSuperuserAsync("postgres");
        await Sql.Exec(su, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        foreach (var grantee in BenchLayout.Grantees) await Sql.Exec(su, $"DROP ROLE IF EXISTS {grantee.Name}");
        foreach (var owner in BenchLayout.Owners)
        {
            await Sql.Exec(su, $"ALTER ROLE {owner} NOLOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT -1");
            await Sql.Exec(su, $"ALTER ROLE {owner} RESET ALL");
            await Sql.Exec(su, $"REVOKE {owner} FROM {PostgresServer.MasterUser}");
        }
    }

    public async Task DropAsync(string database)
    {
        await using var su = await server.OpenSuperuserAsync("postgres");
        await Sql.Exec(su, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    }

    /// <summary>Removes the dead catalog rows that GRANTs leave, as autovacuum eventually would, so runs compare alike.</summary>
    public async Task VacuumCatalogAsync(string database)
    {
        await using var su = await OpenQuietAsync(database);
        await Sql.Exec(su, "VACUUM ANALYZE pg_catalog.pg_class, pg_catalog.pg_proc, pg_catalog.pg_namespace, pg_catalog.pg_default_acl, " +
                                      "pg_catalog.pg_shdepend, pg_catalog.pg_database, pg_catalog.pg_authid, pg_catalog.pg_auth_members");
    }

    /// <summary>A superuser session whose statements pg_stat_statements does not count (fixture work is not measured).</summary>
    public async Task<NpgsqlConnection> OpenQuietAsync(string database)
    {
        var conn = await server.OpenSuperuserAsync(database);
        await Sql.Exec(conn, "SET pg_stat_statements.track = 'none'");
        return conn;
    }
}
