using System.Text;
using RoleManager.Inspect;

namespace RoleManager.Integration.Tests;

/// <summary>
/// The inspector reads any catalog with the same few queries. pg_stat_statements (preloaded by the fixture) counts
/// what the server ran in each test database; two databases of different sizes must cost the same count.
/// Not a timing test: bench/run measures the time.
/// </summary>
public sealed class InspectorQueryBudgetTests
{
    // Seven catalog queries in one batch: server, roles, schemas, objects, default ACLs, columns, master facts.
    private const int Budget = 7;

    [Fact]
    public async Task The_inspector_runs_the_same_few_queries_for_10_tables_as_for_400()
    {
        long small = await InspectorStatementsAsync(tables: 10);
        long large = await InspectorStatementsAsync(tables: 400);

        Assert.Equal(small, large);
        Assert.InRange(small, 1, Budget);
    }

    /// <summary>Builds a converged default layout holding <paramref name="tables"/> tables, then counts one inspection's statements.</summary>
    private static async Task<long> InspectorStatementsAsync(int tables)
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.DefaultLayout();
        await db.ApplyAsync(desired);
        int functions = tables / 10;
        await using (var su = await db.SuperuserAsync())
        {
            // A few hundred objects per transaction: thousands at once would exhaust max_locks_per_transaction.
            for (int first = 0; first < tables; first += 200)
            {
                var sql = new StringBuilder($"BEGIN; SET LOCAL ROLE \"{db.Migrator}\";\n");
                for (int t = first; t < Math.Min(first + 200, tables); t++)
                    sql.Append($"CREATE TABLE app.t{t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);\n");
                sql.Append("COMMIT;");
                await TestDatabase.Exec(su, sql.ToString());
            }
            var routines = new StringBuilder($"BEGIN; SET LOCAL ROLE \"{db.Migrator}\";\n");
            for (int f = 0; f < functions; f++)
                routines.Append($"CREATE FUNCTION app.f{f}(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a + {f}';\n");
            routines.Append("COMMIT;");
            await TestDatabase.Exec(su, routines.ToString());
        }

        // Opened first: the driver loads its type catalog when a connection opens, and that is not the inspector.
        await using var conn = await db.MasterAsync();
        await using var stats = await db.Server.OpenSuperuserAsync("postgres");
        string dbid = $"(SELECT oid FROM pg_database WHERE datname = '{db.Name}')";
        await TestDatabase.Exec(stats, $"SELECT pg_stat_statements_reset(0::oid, {dbid}, 0::bigint)");

        var current = await new CatalogInspector().InspectAsync(conn, InspectionScope.For(desired), CancellationToken.None);

        Assert.Equal(tables * 2 + functions, current.Objects.Count(o => o.Schema == "app"));
        Assert.All(current.Objects.Where(o => o.Schema == "app"), o => Assert.True(o.Acl.ContainsKey(db.App), $"{o.Name} lacks the app grants"));
        return await TestDatabase.Scalar<long>(stats, $"SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = {dbid}");
    }
}
