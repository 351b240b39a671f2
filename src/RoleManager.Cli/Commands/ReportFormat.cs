using System.CommandLine;

namespace RoleManager.Cli.Commands;

/// <summary>
/// The report's one format option is <c>--format</c>; <c>--output json</c>, which every command takes, keeps meaning
/// <c>--format json</c> there. Both given and disagreeing (<c>--format html --output json</c>) is an error, never a silent pick.
/// </summary>
public static class ReportFormat
{
    public static void RefuseConflicts(Command command, Option<string?> format, Option<string> output) => command.Validators.Add(result =>
    {
        if (result.GetResult(format) is not { Implicit: false } || result.GetResult(output) is not { Implicit: false }) return;
        string? chosen = result.GetValue(format);
        string said = result.GetValue(output) ?? "";
        if (chosen is null || said is not ("json" or "text")) return;
        if ((said == "json") != (chosen == "json"))
            result.AddError($"--format {chosen} and --output {said} disagree: give --format alone (on report, --output json is short for --format json).");
    });
}
