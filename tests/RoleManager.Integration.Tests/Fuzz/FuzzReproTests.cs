using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RoleManager.Integration.Tests.Fuzz;

public partial class FuzzReproTests
{
    /// <summary>
    /// A repro is only worth printing if it reproduces: the script of a seed, run by psql as a superuser on a second
    /// database with the same config applied, leaves the same catalog as the fuzzer's own run of that seed (role
    /// names and the database name aside, and password verifiers, which are salted).
    /// </summary>
    [Fact]
    public async Task A_seeds_repro_script_run_by_psql_leaves_the_same_catalog_as_the_fuzzers_run()
    {
        const int seed = 5;
        var fuzzed = await TestDatabase.CreateAsync();
        var replayed = await TestDatabase.CreateAsync();
        try
        {
            await fuzzed.ApplyAsync(fuzzed.RichLayout());
            var model = new FuzzModel(fuzzed.Server.VersionNum);
            var steps = new List<FuzzStep>();
            foreach (var statement in FuzzRoles.Setup(model).Concat(DriftGrammar.Statements(seed, model)))
            {
                var step = await DriftFuzzer.ExecuteAsync(fuzzed, statement);
                if (step.Succeeded) statement.OnSuccess?.Invoke(model);
                steps.Add(step);
            }
            Assert.Contains(steps, s => !s.Succeeded); // the script keeps failed statements as comments: prove that path too

            await replayed.ApplyAsync(replayed.RichLayout());
            var outcome = new FuzzOutcome(seed, replayed.Server.VersionNum, steps, new FuzzFailure("(none)", "a psql replay"), [], TimeSpan.Zero)
            {
                Names = new(replayed.Name, replayed.Prefix, replayed.RichConfigYaml),
            };
            string script = Path.Combine(Path.GetTempPath(), $"fuzz-repro-{replayed.Name}.sql");
            await File.WriteAllTextAsync(script, FuzzRepro.Script(outcome));
            var psql = new ProcessStartInfo(Psql(), ["-X", "-q", "-h", "127.0.0.1", "-p", replayed.Server.Port.ToString(), "-U", PostgresServer.SuperUser,
                "-d", replayed.Name, "-f", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            psql.Environment["PGPASSWORD"] = replayed.Server.SuperPassword;
            using (var process = Process.Start(psql)!)
            {
                string errors = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0 && !errors.Contains("ERROR"), $"psql: {errors}");
            }

            Assert.Equal(Normalised(await fuzzed.SnapshotAsync(), fuzzed), Normalised(await replayed.SnapshotAsync(), replayed));
        }
        finally
        {
            await fuzzed.DropAsync();
            await replayed.DropAsync();
        }
    }

    /// <summary>
    /// The snapshot with this test's names made generic, and without the rows of cluster-wide roles that are not this
    /// test's (rds_*, the master) and of memberships between them: other tests on the shared server create and alter those
    /// in between the two snapshots.
    /// </summary>
    private static string Normalised(string snapshot, TestDatabase db) =>
        string.Join('\n', Verifier().Replace(snapshot.Replace(db.Prefix, "{p}").Replace(db.Name, "{db}"), "\"rolpassword\": (redacted)")
            .Split('\n').Where(line => !(line.StartsWith("role ", StringComparison.Ordinal) || line.StartsWith("member ", StringComparison.Ordinal))
                                       || line.StartsWith("role {p}", StringComparison.Ordinal)
                                       || (line.StartsWith("member ", StringComparison.Ordinal) && line.Contains("{p}", StringComparison.Ordinal))));

    [GeneratedRegex("\"rolpassword\": (\"[^\"]*\"|null)")]
    private static partial Regex Verifier();

    /// <summary>psql beside the server, else Debian's newest (any recent client talks to 13–18), else on PATH.</summary>
    private static string Psql()
    {
        string bin = PostgresServer.FindBinaries(Environment.GetEnvironmentVariable("PG_BIN"));
        if (File.Exists(Path.Combine(bin, "psql"))) return Path.Combine(bin, "psql");
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "psql")).Where(File.Exists).OrderDescending().FirstOrDefault() ?? "psql"
            : "psql";
    }
}
