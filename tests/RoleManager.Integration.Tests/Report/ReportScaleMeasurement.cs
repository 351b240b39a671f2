using System.Diagnostics;
using RoleManager.Audit;
using RoleManager.Connect;
using Xunit.Abstractions;

namespace RoleManager.Integration.Tests.Report;

/// <summary>
/// Not a timed test (speed is measured, never asserted): with RM_REPORT_MEASURE=1 it builds a 10,000-table catalog
/// (10 schemas × 1,000 tables with an identity sequence, 500 tables per transaction), then runs the report three times
/// and prints each run time and the median. Skipped otherwise, so the suite stays fast.
/// </summary>
public sealed class ReportScaleMeasurement(ITestOutputHelper output)
{
    private sealed class MeasureFactAttribute : FactAttribute
    {
        public MeasureFactAttribute()
        {
            if (Environment.GetEnvironmentVariable("RM_REPORT_MEASURE") != "1") Skip = "a measurement: set RM_REPORT_MEASURE=1 to run it";
        }
    }

    [MeasureFact]
    public async Task Report_run_time_on_a_10000_table_catalog()
    {
        var db = await TestDatabase.CreateAsync();
        await using (var su = await db.SuperuserAsync())
        {
            await TestDatabase.Exec(su, $"CREATE ROLE {db.Prefix}_owner; CREATE ROLE {db.Prefix}_app LOGIN; CREATE ROLE {db.Prefix}_ro;");
            for (int schema = 0; schema < 10; schema++)
            {
                await TestDatabase.Exec(su, $"CREATE SCHEMA s{schema} AUTHORIZATION {db.Prefix}_owner; GRANT USAGE ON SCHEMA s{schema} TO {db.Prefix}_app, {db.Prefix}_ro");
                for (int batch = 0; batch < 2; batch++)
                    await TestDatabase.Exec(su, $"""
                        SET ROLE {db.Prefix}_owner;
                        DO $$ BEGIN FOR i IN {batch * 500}..{batch * 500 + 499} LOOP
                          EXECUTE format('CREATE TABLE s{schema}.t%s (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)', i);
                        END LOOP; END $$;
                        ALTER DEFAULT PRIVILEGES FOR ROLE {db.Prefix}_owner IN SCHEMA s{schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {db.Prefix}_app;
                        RESET ROLE;
                        """);
                await TestDatabase.Exec(su, $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA s{schema} TO {db.Prefix}_app; GRANT SELECT ON ALL TABLES IN SCHEMA s{schema} TO {db.Prefix}_ro");
            }
        }
        var factory = new NpgsqlConnectionFactory(db.MasterSettings);
        var times = new List<double>();
        int entries = 0, tables = 0;
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            var report = await AuditReporter.ReportAsync(factory, DeclaredLayout.None, DateTimeOffset.UtcNow, CancellationToken.None);
            string json = System.Text.Json.JsonSerializer.Serialize(report, AuditJson.Readable.AuditReport);
            times.Add(clock.Elapsed.TotalMilliseconds);
            entries = report.Access.Length;
            tables = report.Schemas.Sum(s => s.Tables.Length);
            output.WriteLine($"run {run + 1}: {clock.Elapsed.TotalMilliseconds:F0} ms (report built and serialized: {json.Length / 1024} KiB JSON, {entries} access entries)");
        }
        times.Sort();
        output.WriteLine($"tables: {tables}; median of 3: {times[1]:F0} ms");
        Assert.Equal(10_000, tables);
    }
}
