using RoleManager.Connect;

namespace RoleManager.Integration.Tests;

/// <summary>
/// Opening the engine's connection costs a login and nothing else: the driver must not read the server's type
/// catalog (pg_type holds a row and an array type per table, 20,000 rows at 10,000 tables). pg_stat_statements
/// (preloaded by the fixture) counts what the server ran. Not a timing test: bench/run measures the time.
/// </summary>
public sealed class ConnectionOpenCostTests
{
    [Fact]
    public async Task Opening_the_engines_connection_runs_no_statement_on_the_server()
    {
        var db = await TestDatabase.CreateAsync();
        await using var stats = await db.Server.OpenSuperuserAsync("postgres");
        string dbid = $"(SELECT oid FROM pg_database WHERE datname = '{db.Name}')";
        await TestDatabase.Exec(stats, $"SELECT pg_stat_statements_reset(0::oid, {dbid}, 0::bigint)");

        await using (var conn = await new NpgsqlConnectionFactory(db.MasterSettings).OpenAsync(CancellationToken.None))
            Assert.Equal(System.Data.ConnectionState.Open, conn.State);

        var seen = await TestDatabase.Scalar<long>(stats, $"SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = {dbid}");
        Assert.Equal(0, seen);
    }

    [Fact]
    public async Task Plan_after_apply_is_empty_when_the_driver_knows_only_built_in_types()
    {
        // Every value the engine reads (text and name arrays, booleans, integers) must decode without pg_type.
        var db = await TestDatabase.CreateAsync();
        var desired = db.DefaultLayout();
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, "CREATE TYPE public.mood AS ENUM ('ok'); CREATE TABLE public.moods (m public.mood)");

        var applied = await db.ApplyAsync(desired);
        var plan = await db.PlanAsync(desired);

        Assert.NotEmpty(applied.Plan.Changes);
        Assert.Empty(plan.Plan.Changes);
    }
}
