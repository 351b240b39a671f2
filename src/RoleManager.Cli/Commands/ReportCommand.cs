using RoleManager.Aws;
using RoleManager.Execute;
using RoleManager.UseCases;
using System.CommandLine;
using System.Text.Json;
using RoleManager.Audit;
using RoleManager.Audit.Render;
using RoleManager.Connect;
using RoleManager.Errors;

namespace RoleManager.Cli.Commands;

/// <summary>
/// <c>role-manager report</c>: who can do what in the database and through which path, as a table, JSON, Markdown or
/// one self-contained HTML page; <c>--diff OLD.json</c> shows who gained or lost what since an earlier report
/// (against the live database, or against <c>--against NEW.json</c> without connecting). Reads only.
/// </summary>
public static class ReportCommand
{
    public static Command Create(GlobalOptions options, Func<string, string?> environment)
    {
        var format = new Option<string?>("--format", "-f") { Description = "table (default), json, markdown or html. --output json means --format json." };
        format.AcceptOnlyFromAmong("table", "json", "markdown", "html");
        var outputFile = new Option<string?>("--output-file") { Description = "Write the report to this file instead of standard output." };
        var diff = new Option<string?>("--diff") { Description = "An earlier JSON report: show who gained or lost what since then (exit 2 when anything changed, 0 when nothing did)." };
        var against = new Option<string?>("--against") { Description = "With --diff: compare with this JSON report instead of the live database (no connection)." };
        var command = new Command("report", "Who can do what in the database, and through which path (memberships, PUBLIC, ownership, predefined roles, default privileges), with findings. Changes nothing.");
        options.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(outputFile);
        command.Options.Add(diff);
        command.Options.Add(against);
        ReportFormat.RefuseConflicts(command, format, options.Output);
        command.SetAction(async (result, ct) =>
        {
            string chosen = result.GetValue(format) ?? (options.Json(result) ? "json" : "table");
            try
            {
                string? oldPath = result.GetValue(diff), newPath = result.GetValue(against);
                if (newPath is not null && oldPath is null) throw new ConfigException("--against needs --diff OLD.json: it names the newer of the two reports.");
                var older = oldPath is null ? null : await ReportFiles.ReadAsync(oldPath, ct);
                // Progress on stderr by the rule of every command: ROLE_MANAGER_DEBUG=1 shows each step, --quiet nothing.
                var progress = new ProgressLogger(Console.Error, ProgressLogger.Choose(environment("ROLE_MANAGER_DEBUG") == "1",
                    result.GetValue(options.Quiet), chosen == "json", apply: false, !Console.IsErrorRedirected));
                var reports = newPath is not null ? [await ReportFiles.ReadAsync(newPath, ct)] : await LiveAsync(options, result, environment, progress, ct);
                if (reports.Count > 1 && (older is not null || chosen == "html"))
                    throw new ConfigException($"The config declares {reports.Count} databases: --diff and --format html take one report; choose its database with --dbname.");
                var report = reports[0];
                var difference = older is null ? null : ReportDiffer.Compare(older, report);
                string text = difference is not null ? RenderDiff(difference, chosen) : reports.Count == 1 ? Render(report, chosen) : RenderAll(reports, chosen);
                if (result.GetValue(outputFile) is { } file)
                {
                    await File.WriteAllTextAsync(file, text, ct);
                    Console.Error.WriteLine($"wrote {Reporting.Printable.Text(file)}");
                }
                else Console.Out.Write(text);
                // As plan --detailed-exitcode: a script or CI job learns "something changed" from the exit code alone.
                return difference is { IsEmpty: false } ? ExitCodes.ChangesPending : ExitCodes.Success;
            }
            catch (RoleManagerException ex)
            {
                Console.Error.WriteLine($"error: {Reporting.Printable.Message(ex.Message)}");
                return ExitCodes.Error;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine("error: cancelled.");
                return ExitCodes.Cancelled;
            }
        });
        return command;
    }

    /// <summary>The report of each database the layout covers: one, or every database of a cluster config (--dbname chooses one).</summary>
    private static async Task<IReadOnlyList<AuditReport>> LiveAsync(GlobalOptions options, ParseResult result, Func<string, string?> environment,
        ProgressLogger progress, CancellationToken ct)
    {
        // The same resolution, master login and TLS policy as plan/apply/check: the use case's connect step.
        var request = new RunRequest(RunAction.Inspect, false, options.LayoutInputs(result), options.ConnectionInputs(result), environment,
            ExecutionOptions.Default, MasterSecret.FromEnvironment(environment)) { ApplicationName = "role-manager report" };
        var reports = new List<AuditReport>();
        foreach (var (desired, connections) in await new RoleManagerRun(progress).ConnectAllAsync(request, ct))
            reports.Add(await AuditReporter.ReportAsync(connections, DeclaredLayout.From(desired), DateTimeOffset.UtcNow, ct, logger: progress));
        return reports;
    }

    /// <summary>Several databases' reports: each under its name (table, Markdown), or one JSON document <c>{"databases": [...]}</c>.</summary>
    private static string RenderAll(IReadOnlyList<AuditReport> reports, string format) => format == "json"
        ? Reporting.AuditReports.Json(reports) + "\n"
        : string.Concat(reports.Select((r, i) => (i > 0 ? "\n" : "") + (format == "markdown" ? $"# Database {Reporting.Printable.Text(r.Server.Database)}\n\n" : $"== database {Reporting.Printable.Text(r.Server.Database)} ==\n") + Render(r, format)));

    private static string Render(AuditReport report, string format) => format switch
    {
        "json" => Reporting.Printable.Json(JsonSerializer.Serialize(report, AuditJson.Readable.AuditReport)) + "\n",
        "markdown" => MarkdownRenderer.Render(report),
        "html" => HtmlRenderer.Render(report),
        _ => TableRenderer.Render(report),
    };

    private static string RenderDiff(ReportDiff diff, string format) => format switch
    {
        "json" => Reporting.Printable.Json(JsonSerializer.Serialize(diff, AuditJson.Readable.ReportDiff)) + "\n",
        "markdown" => DiffRenderer.Render(diff, markdown: true),
        "html" => DiffRenderer.RenderHtml(diff),
        _ => DiffRenderer.Render(diff, markdown: false),
    };
}
