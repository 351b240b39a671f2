using System.Text.RegularExpressions;
using Npgsql;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>What the server ran in one database during one measured run, from pg_stat_statements (top-level statements).</summary>
/// <remarks>The milliseconds are the server's execution time (pg_stat_statements' total_exec_time), sending rows included.</remarks>
internal sealed record StatementCounts(long Total, long Inspector, long OtherReads, double InspectorMs, double OtherReadsMs);

/// <summary>
/// Counts statements with pg_stat_statements (the fixture preloads it): reset for one database before a run, read
/// after. Inspector queries are recognised by their text, read from <c>src/RoleManager.Core/Inspect/Queries/*.sql</c>.
/// <c>BENCH_DUMP_STATEMENTS=1</c> prints every statement counted, with its server time.
/// </summary>
internal sealed partial class StatementCounter(PostgresServer server, IReadOnlyList<string> inspectorQueries)
{
    // pg_stat_statements replaces constants with $n, so a query is recognised by its first line (its leading comment).
    private readonly List<string> _inspector = inspectorQueries.Select(FirstLine).Distinct(StringComparer.Ordinal).ToList();

    public static StatementCounter FromRepository(PostgresServer server, string repository)
    {
        string folder = Path.Combine(repository, "src", "RoleManager.Core", "Inspect", "Queries");
        var queries = Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        if (queries.Count == 0) throw new InvalidOperationException($"No inspector queries found in {folder}.");
        return new StatementCounter(server, queries);
    }

    public int InspectorQueryFiles => _inspector.Count;

    public async Task ResetAsync(string database)
    {
        await using var su = await server.OpenSuperuserAsync("postgres");
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_stat_statements_reset(0::oid, (SELECT oid FROM pg_database WHERE datname = $1), 0::bigint)", su);
        cmd.Parameters.Add(new NpgsqlParameter { Value = database });
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<StatementCounts> ReadAsync(string database)
    {
        await using var su = await server.OpenSuperuserAsync("postgres");
        await using var cmd = new NpgsqlCommand(
            "SELECT query, calls, total_exec_time, rows FROM pg_stat_statements WHERE toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = $1)", su);
        cmd.Parameters.Add(new NpgsqlParameter { Value = database });
        await using var reader = await cmd.ExecuteReaderAsync();
        long total = 0, inspector = 0, otherReads = 0;
        double inspectorMs = 0, otherReadsMs = 0;
        while (await reader.ReadAsync())
        {
            string query = reader.GetString(0);
            long calls = reader.GetInt64(1);
            double ms = reader.GetDouble(2);
            total += calls;
            if (Environment.GetEnvironmentVariable("BENCH_DUMP_STATEMENTS") == "1")
                Console.WriteLine($"    pg_stat_statements: {calls} × {ms:0.0} ms {reader.GetInt64(3)} rows: {query.ReplaceLineEndings(" ")[..Math.Min(query.Length, 160)]}");
            if (_inspector.Contains(FirstLine(query), StringComparer.Ordinal)) { inspector += calls; inspectorMs += ms; }
            else if (ReadPattern().IsMatch(query)) { otherReads += calls; otherReadsMs += ms; }
        }
        return new StatementCounts(total, inspector, otherReads, inspectorMs, otherReadsMs);
    }

    private static string FirstLine(string sql) => sql.TrimStart().Split('\n', 2)[0].Trim();

    [GeneratedRegex(@"^\s*((/\*.*?\*/|--[^\n]*\n)\s*)*(SELECT|WITH)\b", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ReadPattern();
}
