using System.Text;
using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Bench;

/// <summary>
/// Costs that grow with people rather than tables: N login roles (password auth, SCRAM), each granted readonly on a
/// 20-table schema. First apply, converged plan, check (logs in as every role) and the drop of all of them, each with
/// a time cap: a run that does not finish within it is stopped and recorded as such, never as a time.
/// </summary>
internal sealed class PeopleBench(Fixture fixture, BenchOptions options, Action<string> progress)
{
    public const string Database = "bench_people";
    public const string Owner = "people_owner";
    public const string Schema = "app";
    public const int Tables = 20;
    private const string PasswordVariable = "BENCH_PEOPLE_PASSWORD";
    private readonly string _password = "people-" + Guid.NewGuid().ToString("N");

    private PostgresServer Server => fixture.Server;

    private static string Person(int i) => $"person_{i:00000}";

    public async Task<PeopleResult> RunAsync(int people)
    {
        progress($"[people {people:N0}] {people:N0} login roles, readonly on a {Tables}-table schema; cap {options.PeopleCapSeconds} s per run");
        await CleanAsync(people);
        await using (var su = await Server.OpenSuperuserAsync("postgres"))
        {
            await Sql.Exec(su, $"CREATE DATABASE {Database} OWNER {PostgresServer.MasterUser}");
            await Sql.Exec(su, $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Owner}') THEN CREATE ROLE {Owner} NOLOGIN; END IF; END $$");
        }
        await using (var conn = await fixture.OpenQuietAsync(Database))
        {
            var sql = new StringBuilder($"CREATE SCHEMA {Schema} AUTHORIZATION {Owner}; BEGIN; SET LOCAL ROLE {Owner};\n");
            for (int t = 1; t <= Tables; t++) sql.Append($"CREATE TABLE {Schema}.t{t:00} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);\n");
            sql.Append("COMMIT;");
            await Sql.Exec(conn, sql.ToString());
        }
        string config = Path.Combine(options.Output, $"people-{people}.yaml");
        string drop = Path.Combine(options.Output, $"people-{people}-drop.yaml");
        await File.WriteAllTextAsync(config, Config(people, dropAll: false));
        await File.WriteAllTextAsync(drop, Config(people, dropAll: true));

        var runs = new List<CappedRun>();
        // The first apply is what the others need, so it gets three times the cap before the section gives up.
        var first = await RunCappedAsync("first apply", "apply", config, 3 * options.PeopleCapSeconds);
        runs.Add(first);
        if (first.Finished)
        {
            await fixture.VacuumCatalogAsync(Database);
            runs.Add(await RunCappedAsync("plan (converged)", "plan", config));
            runs.Add(await RunCappedAsync("check", "check", config));
            runs.Add(await RunCappedAsync("drop all", "apply", drop));
        }
        await CleanAsync(people);
        return new PeopleResult(people, Tables, options.PeopleCapSeconds, runs);
    }

    private async Task<CappedRun> RunCappedAsync(string name, string command, string config, int? capSeconds = null)
    {
        int cap = capSeconds ?? options.PeopleCapSeconds;
        // Only apply takes --statement-timeout (plan and check refuse it as an unknown option).
        string[] arguments = [command, "--config", config, "--output", "json", "--sslmode", "disable",
            "-h", "127.0.0.1", "-p", Server.Port.ToString(), "-U", PostgresServer.MasterUser, "-d", Database,
            .. command == "apply" ? new[] { "--statement-timeout", "30m" } : []];
        var env = new Dictionary<string, string?> { ["PGPASSWORD"] = Server.MasterPassword, [PasswordVariable] = _password };
        CappedRun result;
        try
        {
            var run = await ProcessMeter.RunAsync(options.Cli, arguments, env, TimeSpan.FromSeconds(cap));
            int statements = 0, changes = 0;
            try
            {
                using var json = JsonDocument.Parse(run.Stdout);
                if (json.RootElement.TryGetProperty("statementsExecuted", out var s)) statements = s.GetInt32();
                if (json.RootElement.TryGetProperty("changes", out var c)) changes = c.GetArrayLength();
            }
            catch (JsonException) { }
            result = new CappedRun(name, true, run.Seconds, run.PeakRssMiB, run.ExitCode, statements, changes);
            if (run.ExitCode != 0) progress($"  [people] {name} exited {run.ExitCode}: {Truncate(run.Stderr + run.Stdout)}");
        }
        catch (TimeoutException)
        {
            result = new CappedRun(name, false, cap, 0, -1, 0, 0);
            await TerminateAsync();
        }
        progress($"  [people] {name}: " + (result.Finished ? $"{result.Seconds:0.0} s, exit {result.ExitCode}, {result.Statements} statements, {result.Changes} changes, {result.PeakRssMiB:0} MiB"
                                                            : $"did not finish within {cap} s (stopped)"));
        return result;
    }

    private string Config(int people, bool dropAll)
    {
        // Roles being dropped have no password: under auth: password the loader would ask for their password_env.
        var yaml = new StringBuilder($"# Generated by bench/RoleManager.Bench: {people} login roles.\ndatabase: {Database}\nauth: {(dropAll ? "none" : "password")}\n");
        yaml.AppendLine("schemas:");
        yaml.AppendLine($"  - {{ name: {Schema}, owner: {Owner} }}");
        yaml.AppendLine("roles:");
        yaml.AppendLine($"  - {{ name: {Owner}, login: false }}");
        for (int i = 1; i <= people; i++)
            yaml.AppendLine(dropAll ? $"  - {{ name: {Person(i)}, drop: true }}"
                                    : $"  - {{ name: {Person(i)}, password_env: {PasswordVariable}, grants: [{{ schema: {Schema}, profile: readonly }}] }}");
        return yaml.ToString();
    }

    /// <summary>A stopped CLI leaves its backend running until it notices; end it so the next run is not blocked.</summary>
    private async Task TerminateAsync()
    {
        await using var su = await Server.OpenSuperuserAsync("postgres");
        await Sql.Exec(su, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Database}' AND pid <> pg_backend_pid()");
        await Task.Delay(500);
    }

    private async Task CleanAsync(int people)
    {
        await fixture.DropAsync(Database);
        await using var su = await Server.OpenSuperuserAsync("postgres");
        for (int first = 1; first <= people; first += 500)
            await Sql.Exec(su, $"DROP ROLE IF EXISTS {string.Join(", ", Enumerable.Range(first, Math.Min(500, people - first + 1)).Select(Person))}");
    }

    private static string Truncate(string text) => text.Length > 600 ? text[..600] + "…" : text;
}
