using System.Text;

namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>
/// What a failing seed prints: the seed, the failed assertion, the config, and every statement with the role that ran
/// it as a psql script a superuser runs on the applied database (statements that failed are kept as comments, with
/// their SQLSTATE). <see cref="ShrinkAsync"/> first drops statements one at a time while the same assertion still fails.
/// </summary>
public static class FuzzRepro
{
    public static string Script(FuzzOutcome outcome, string title = "")
    {
        var text = new StringBuilder();
        var failure = outcome.Failure!;
        text.AppendLine($"-- fuzz-drift seed {outcome.Seed} on PostgreSQL {outcome.VersionNum / 10000}{title}: assertion \"{failure.Assertion}\" failed");
        foreach (string line in Wrap(failure.Detail)) text.AppendLine("--   " + line);
        var names = outcome.Names;
        string Fill(string sql) => FuzzRoles.Fill(names.Prefix, names.Database, sql);
        text.AppendLine($"-- To reproduce: database \"{names.Database}\" owned by the master {Testing.PostgresServer.MasterUser} (not a superuser: CREATEROLE,");
        text.AppendLine("-- CREATEDB, member of rds_superuser); `role-manager apply --auth password --config fuzz.yaml` with the config below");
        text.AppendLine($"-- (APP_PASSWORD etc. set); this script as a superuser (psql -d \"{names.Database}\" -f repro.sql); then apply, plan, check.");
        text.AppendLine("-- fuzz.yaml:");
        foreach (string line in names.Config.Split('\n')) text.AppendLine("--   " + line.TrimEnd());
        int n = 0;
        foreach (var step in outcome.Steps)
        {
            n++;
            var s = step.Statement;
            string actor = s.Actor == FuzzRoles.Superuser ? "the superuser" : Fill(s.Actor);
            text.AppendLine();
            text.AppendLine($"-- {n}. [{s.Kind}] as {actor}{(step.Succeeded ? "" : $" — failed with {step.SqlState}, no effect")}");
            string body = Fill(s.Actor == FuzzRoles.Superuser ? s.Sql + ";" : $"SET ROLE {s.Actor};\n{s.Sql};\nRESET ROLE;");
            foreach (string line in body.Split('\n')) text.AppendLine(step.Succeeded ? line : "-- " + line);
        }
        return text.ToString();
    }

    /// <summary>
    /// What makes two failures the same for shrinking: the assertion and the start of what it saw, with the run's names
    /// and every number taken out (a seed that fails "plan sees what check sees" through a protected role must not shrink
    /// to one that fails it through a password).
    /// </summary>
    public static string Signature(FuzzOutcome outcome)
    {
        string detail = outcome.Failure!.Detail.Replace(outcome.Names.Prefix, "{p}").Replace(outcome.Names.Database, "{db}");
        detail = new string(detail.Where(c => !char.IsAsciiDigit(c)).ToArray());
        return outcome.Failure.Assertion + ": " + detail[..Math.Min(60, detail.Length)];
    }

    /// <summary>The detail as comment lines: one per "; " part or line of it (an apply error spans lines), at most 30.</summary>
    private static IEnumerable<string> Wrap(string detail) => detail.Split(["; ", "\n"], StringSplitOptions.TrimEntries).Take(30);

    /// <summary>
    /// Replays fewer statements while the same failure remains (<see cref="Signature"/>): first without every statement
    /// that failed, then without each remaining one in turn (the setup stays). Each try is a fresh database, so this
    /// costs a few seconds a statement.
    /// </summary>
    public static async Task<FuzzOutcome> ShrinkAsync(FuzzOutcome failed, TimeSpan budget, PostgresServer? server = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var best = failed;
        async Task<bool> TryAsync(List<FuzzStatement> candidate)
        {
            var outcome = await DriftFuzzer.ReplayAsync(failed.Seed, candidate, server);
            if (outcome.Failure is null || Signature(outcome) != Signature(failed)) return false;
            best = outcome;
            return true;
        }

        var withoutFailed = best.Steps.Where(s => s.Succeeded || s.Statement.Kind == "setup").Select(s => s.Statement).ToList();
        if (withoutFailed.Count < best.Steps.Count) await TryAsync(withoutFailed);
        for (int i = best.Steps.Count - 1; i >= 0 && clock.Elapsed < budget; i--)
        {
            if (i >= best.Steps.Count || best.Steps[i].Statement.Kind == "setup") continue;
            var candidate = best.Steps.Select(s => s.Statement).Where((_, j) => j != i).ToList();
            await TryAsync(candidate);
        }
        return best;
    }
}
