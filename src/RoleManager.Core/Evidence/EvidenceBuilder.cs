using System.Collections.Immutable;
using System.Text.Json;
using RoleManager.Audit;
using RoleManager.Reporting;
using RoleManager.UseCases;

namespace RoleManager.Evidence;

/// <summary>
/// Builds one run's evidence from the run, the report taken after it and the previous evidence of the database:
/// pure code, so the counts the alarm fires on are tested without a bucket.
/// </summary>
public static class EvidenceBuilder
{
    public static EvidenceDocument Build(RunReport run, AuditReport report, string requestId, DateTimeOffset when, StoredEvidence? previous)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        var older = previous is null ? null : ReportOf(previous.Content);
        var diff = older is null ? null : ReportDiffer.Compare(older, report);
        var check = run.Check;
        var findings = run.Findings.Select(f => new FindingSummary(f.Subject, f.Problem, f.FixSql)).ToImmutableArray();
        int failed = check?.Failures.Count() ?? 0;
        var counts = new EvidenceCounts(check?.Assertions.Count ?? 0, failed, findings.Length,
            diff is null ? 0 : Grants(diff.Gained), diff is null ? 0 : Grants(diff.Lost),
            diff?.PathChanged.Length ?? 0, diff?.RoleChanges.Length ?? 0);

        return new EvidenceDocument(EvidenceDocument.CurrentFormatVersion, when, report.Server.Database,
            new EvidenceServer(HostOf(run.Target, report.Server.Database), PortOf(run.Target, report.Server.Database), report.Server.Version, report.Server.VersionNum),
            requestId, ActionName(run.Action), Failed(run) ? "fail" : "pass", counts,
            check?.Assertions,
            run.Action == RunAction.Apply
                ? new EvidenceChanges(run.DryRun, run.Committed, run.StatementsExecuted, [.. run.Plan.Changes.Select(c => new ChangeSummary(c.Kind.ToString(), c.Description, c.Sql))])
                : null,
            findings, report, previous?.Key, diff);
    }

    /// <summary>check or manage: the function's names for the two actions that leave evidence.</summary>
    public static string ActionName(RunAction action) => action == RunAction.Apply ? "manage" : action.ToString().ToLowerInvariant();

    /// <summary>
    /// A check fails on any assertion not proven; a manage fails when it left the database unlike the layout: changes
    /// not committed (a dry run, or nothing executed of a non-empty plan) or findings the master cannot fix.
    /// </summary>
    public static bool Failed(RunReport run) => run.Action switch
    {
        RunAction.Check => run.Check is not { Passed: true },
        _ => !run.Findings.IsEmpty || (!run.Plan.IsEmpty && !run.Committed),
    };

    /// <summary>Grants in diff lines: one per role × privilege × object (a line without object names — a database, future objects — is one).</summary>
    public static int Grants(ImmutableArray<DiffLine> lines) => lines.Sum(l => Math.Max(1, l.Names.Length));

    /// <summary>The report inside earlier evidence; null when the object is not evidence this version reads (then there is no diff).</summary>
    public static AuditReport? ReportOf(byte[] content)
    {
        try
        {
            var document = JsonSerializer.Deserialize(content, EvidenceJson.Default.EvidenceDocument);
            return document is { FormatVersion: > 0 and <= EvidenceDocument.CurrentFormatVersion, Report: { Server: not null, Roles.IsDefault: false, Schemas.IsDefault: false, Access.IsDefault: false } }
                ? document.Report : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // RunReport.Target is user@host:port/database (never a password): the host and port are what an auditor needs.
    private static string HostOf(string target, string database)
    {
        var hostPort = HostPort(target, database);
        int colon = hostPort.LastIndexOf(':');
        return colon > 0 ? hostPort[..colon] : hostPort;
    }

    private static int PortOf(string target, string database)
    {
        var hostPort = HostPort(target, database);
        int colon = hostPort.LastIndexOf(':');
        return colon > 0 && int.TryParse(hostPort.AsSpan(colon + 1), out int port) ? port : 0;
    }

    private static string HostPort(string target, string database)
    {
        var text = target.EndsWith("/" + database, StringComparison.Ordinal) ? target[..^(database.Length + 1)] : target;
        int at = text.LastIndexOf('@');
        return at >= 0 ? text[(at + 1)..] : text;
    }
}
