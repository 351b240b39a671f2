using RoleManager.Planning;
using RoleManager.Reporting;
using RoleManager.UseCases;

namespace RoleManager.Cli;

/// <summary>
/// Human-readable output of plans, applies and checks. Every name and message from the server or the catalog goes
/// through <see cref="Printable"/> (a table named with ESC sequences must not rewrite the terminal).
/// </summary>
public static class TextReport
{
    public static void WritePlan(TextWriter output, RunReport result)
    {
        var server = Printed(result.Server);
        string target = Printable.Text(result.Target);
        if (result.Plan.IsEmpty)
        {
            output.WriteLine(result.Plan.IsConverged
                ? $"No changes. {server.Database} on {target} (PostgreSQL {server.Version}) matches the configuration."
                : $"No changes the master user can make. {server.Database} on {target} (PostgreSQL {server.Version}).");
            WriteFindings(output, result.Plan);
            return;
        }
        output.WriteLine($"Plan for {server.Database} on {target} (PostgreSQL {server.Version}): {Count(result.Plan.Changes.Length)}");
        output.WriteLine();
        WriteChanges(output, result.Plan);
        WriteFindings(output, result.Plan);
    }

    public static void WriteApply(TextWriter output, RunReport result)
    {
        var server = Printed(result.Server);
        string target = Printable.Text(result.Target);
        if (result.Plan.IsEmpty)
        {
            output.WriteLine(result.Plan.IsConverged
                ? $"No changes. {server.Database} on {target} (PostgreSQL {server.Version}) already matches the configuration; nothing was executed."
                : $"No changes the master user can make; nothing was executed. {server.Database} on {target} (PostgreSQL {server.Version}).");
            WriteFindings(output, result.Plan);
            return;
        }
        WriteChanges(output, result.Plan);
        WriteFindings(output, result.Plan);
        output.WriteLine();
        output.WriteLine(result.DryRun
            ? $"Dry run: the server executed {Count(result.StatementsExecuted)} and everything was rolled back ({result.Elapsed.TotalSeconds:0.00} s)."
            : $"Applied {Count(result.StatementsExecuted)} to {server.Database} in one transaction ({result.Elapsed.TotalSeconds:0.00} s).");
    }

    public static void WriteCheck(TextWriter output, string target, RoleManager.Check.CheckResult check)
    {
        target = Printable.Text(target);
        var rows = check.Assertions.Select(a => (Role: Printable.Text(a.Role), Name: Printable.Text(a.Name), a.Outcome, a.Unproven, Detail: Printable.Text(a.Detail))).ToList();
        int roleWidth = Math.Max(4, rows.Max(a => a.Role.Length)), nameWidth = Math.Max(9, rows.Max(a => a.Name.Length));
        output.WriteLine($"Check of {target}:");
        output.WriteLine();
        output.WriteLine($"  {"ROLE".PadRight(roleWidth)}  {"ASSERTION".PadRight(nameWidth)}  RESULT  DETAIL");
        foreach (var a in rows)
            output.WriteLine($"  {a.Role.PadRight(roleWidth)}  {a.Name.PadRight(nameWidth)}  {a.Outcome,-6}  {a.Detail}");
        output.WriteLine();
        int failed = check.Failures.Count();
        output.WriteLine(failed == 0
            ? $"Check passed: all {rows.Count} assertions hold ({check.Elapsed.TotalSeconds:0.00} s)."
            : $"Check FAILED: {failed} of {rows.Count} assertions do not hold" +
              (rows.Count(a => a.Unproven) is > 0 and var unproven ? $" ({unproven} unproven: the probe succeeded but proves nothing)." : "."));
    }

    private static void WriteChanges(TextWriter output, Plan plan)
    {
        foreach (var change in plan.Changes)
        {
            output.WriteLine($"  {Symbol(change.Kind)} {Printable.Text(change.Description)}");
            output.WriteLine($"      {Printable.Message(change.Sql)};");
        }
    }

    /// <summary>What the master cannot fix: each with the statement a superuser must run.</summary>
    private static void WriteFindings(TextWriter output, Plan plan)
    {
        if (plan.Findings.IsDefaultOrEmpty) return;
        output.WriteLine();
        output.WriteLine($"Findings: {plan.Findings.Length} thing(s) the master user cannot change; a superuser must run:");
        foreach (var finding in plan.Findings)
        {
            output.WriteLine($"  ! {Printable.Text(finding.Subject)}: {Printable.Text(finding.Problem)}");
            output.WriteLine($"      {Printable.Message(finding.FixSql)}");
        }
    }

    private static (string Database, string Version) Printed(Model.ServerInfo server) => (Printable.Text(server.Database), Printable.Text(server.Version));

    private static string Count(int n) => n == 1 ? "1 change" : $"{n} changes";

    private static char Symbol(ChangeKind kind) => kind switch
    {
        ChangeKind.CreateRole or ChangeKind.CreateSchema or ChangeKind.CreateExtension => '+',
        ChangeKind.DropRole or ChangeKind.RevokeDatabase or ChangeKind.RevokeMembership or ChangeKind.RevokeSchema
            or ChangeKind.RevokeObjects or ChangeKind.RevokeDefault or ChangeKind.EndActingAs => '-',
        _ => '~',
    };
}
