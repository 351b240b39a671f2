using RoleManager.Planning;

namespace RoleManager.Cli;

/// <summary>Human-readable output of plans and applies.</summary>
public static class TextReport
{
    public static void WritePlan(TextWriter output, string target, RunResult result)
    {
        var server = result.Before.Server;
        if (result.Plan.IsEmpty)
        {
            output.WriteLine($"No changes. {server.Database} on {target} (PostgreSQL {server.Version}) matches the configuration.");
            return;
        }
        output.WriteLine($"Plan for {server.Database} on {target} (PostgreSQL {server.Version}): {Count(result.Plan.Changes.Length)}");
        output.WriteLine();
        WriteChanges(output, result.Plan);
    }

    public static void WriteApply(TextWriter output, string target, RunResult result)
    {
        var server = result.Before.Server;
        if (result.Plan.IsEmpty)
        {
            output.WriteLine($"No changes. {server.Database} on {target} (PostgreSQL {server.Version}) already matches the configuration; nothing was executed.");
            return;
        }
        WriteChanges(output, result.Plan);
        output.WriteLine();
        output.WriteLine(result.DryRun
            ? $"Dry run: the server executed {Count(result.StatementsExecuted)} and everything was rolled back ({result.Elapsed.TotalSeconds:0.00} s)."
            : $"Applied {Count(result.StatementsExecuted)} to {server.Database} in one transaction ({result.Elapsed.TotalSeconds:0.00} s).");
    }

    private static void WriteChanges(TextWriter output, Plan plan)
    {
        foreach (var change in plan.Changes)
        {
            output.WriteLine($"  {Symbol(change.Kind)} {change.Description}");
            output.WriteLine($"      {change.Sql};");
        }
    }

    private static string Count(int n) => n == 1 ? "1 change" : $"{n} changes";

    private static char Symbol(ChangeKind kind) => kind switch
    {
        ChangeKind.CreateRole or ChangeKind.CreateSchema or ChangeKind.CreateExtension => '+',
        ChangeKind.DropRole or ChangeKind.RevokeDatabase or ChangeKind.RevokeMembership or ChangeKind.RevokeSchema
            or ChangeKind.RevokeObjects or ChangeKind.RevokeDefault or ChangeKind.EndActingAs => '-',
        _ => '~',
    };
}
