using RoleManager.Reporting;
using RoleManager.UseCases;

namespace RoleManager.Cli;

/// <summary>
/// The text of a run over a cluster config: each database's report under its name, in the config's order, as the one
/// command renders it (a cluster-wide change only under the first database whose plan has it), each failed database's
/// error, then one line on what was committed where.
/// </summary>
public static class ClusterOutput
{
    /// <summary>Renders every database with <paramref name="render"/> (which prints and returns its exit code); returns the run's exit code.</summary>
    public static int Render(TextWriter output, TextWriter errors, ClusterRunReport run, bool text, Func<RunReport, int> render)
    {
        ArgumentNullException.ThrowIfNull(run);
        int code = ExitCodes.Success;
        for (int i = 0; i < run.Databases.Count; i++)
        {
            var database = run.Databases[i];
            if (text)
            {
                if (i > 0) output.WriteLine();
                output.WriteLine($"== database {Printable.Text(database.Database)} ==");
            }
            if (database.Error is { } error)
            {
                errors.WriteLine($"error: database {Printable.Text(database.Database)}: {Printable.Message(error.Message)}");
                if (text) output.WriteLine($"FAILED (nothing of it was committed): {Printable.Message(error.Message)}");
                code = Worst(code, ExitCodes.Error);
                continue;
            }
            code = Worst(code, render(run.Shown(i, out int repeated)!));
            if (text && repeated > 0)
                output.WriteLine($"  ({repeated} cluster-wide change(s) listed under an earlier database: one run applies them once, with that database.)");
        }
        if (text) output.WriteLine(Summary(run));
        return code;
    }

    /// <summary>
    /// <c>inspect --output json</c> of a cluster config: a JSON config is a one-database config, so it is printed for the
    /// one database chosen with <c>--dbname</c> (its part, which applied to it plans nothing); the whole cluster has no
    /// JSON form, and the refusal says so and names both ways out.
    /// </summary>
    public static RunReport ChosenForJson(ClusterRunReport run, bool databaseChosen)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (databaseChosen && run.Databases is [{ Report: { } chosen }]) return chosen;
        string names = string.Join(", ", run.Databases.Select(d => Printable.Text(d.Database)));
        string example = Printable.Text(run.Databases[0].Database);
        throw new Errors.ConfigException(
            $"inspect --output json prints one database's config, and a cluster config is printed only as YAML (its databases: and the roles they share have no JSON form). " +
            $"Add --dbname with one of the config's databases ({names}), e.g. --dbname {example}, for that database's config as JSON; or run inspect without --output json for the whole cluster config.");
    }

    private static string Summary(ClusterRunReport run)
    {
        var failed = run.Failed.Select(d => Printable.Text(d.Database)).ToList();
        string all = $"{run.Databases.Count} database(s) in {run.Elapsed.TotalSeconds:0.00} s";
        if (run.Action == RunAction.Apply && run.Databases.Any(d => d.Report is { Committed: true }))
        {
            var committed = run.Databases.Where(d => d.Report is { Committed: true }).Select(d => Printable.Text(d.Database));
            return $"\nCluster: {all}; committed: {string.Join(", ", committed)}" +
                   (failed.Count > 0 ? $"; FAILED and rolled back: {string.Join(", ", failed)} (run apply again: it plans only what is still missing)." : ".");
        }
        return $"\nCluster: {all}" + (failed.Count > 0 ? $"; FAILED: {string.Join(", ", failed)}." : ".");
    }

    /// <summary>An error outranks a failed check, which outranks pending changes.</summary>
    private static int Worst(int a, int b) => Rank(a) >= Rank(b) ? a : b;

    private static int Rank(int code) => code switch
    {
        ExitCodes.Error => 3,
        ExitCodes.CheckFailed => 2,
        ExitCodes.ChangesPending => 1,
        _ => 0,
    };
}
