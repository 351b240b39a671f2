using RoleManager.UseCases;

namespace RoleManager.Reporting;

/// <summary>
/// The machine-readable result of a run over a cluster config (both hosts): one <see cref="RunSummary"/> per database
/// that ran, as shown (a cluster-wide change listed once, under the first database whose plan has it), and one
/// <see cref="DatabaseError"/> per database that failed (rolled back). A one-database layout keeps the plain
/// <see cref="RunSummary"/>.
/// </summary>
public sealed record ClusterSummary(string Action, bool Failed, IReadOnlyList<RunSummary> Databases, IReadOnlyList<DatabaseError> Errors)
{
    public static ClusterSummary From(ClusterRunReport run, IReadOnlyList<RunSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(run);
        var errors = run.Failed.Select(d => new DatabaseError(d.Database, d.Error!.ErrorType, d.Error.Message)).ToList();
        return new(run.Action.ToString().ToLowerInvariant(), errors.Count > 0, summaries, errors);
    }

    /// <summary>Every database's summary, each as <see cref="ClusterRunReport.Shown"/> gives it.</summary>
    public static ClusterSummary From(ClusterRunReport run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var summaries = Enumerable.Range(0, run.Databases.Count).Select(i => run.Shown(i, out _)).OfType<RunReport>().Select(RunSummary.From).ToList();
        return From(run, summaries);
    }
}

/// <summary>A database whose part of a cluster run failed: nothing of it was committed.</summary>
public sealed record DatabaseError(string Database, string ErrorType, string ErrorMessage);

/// <summary>The audit reports of several databases (a cluster config) as one JSON document: <c>{"databases": [report, ...]}</c>.</summary>
public static class AuditReports
{
    public static string Json(IReadOnlyList<Audit.AuditReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        // Each report through its own source-generated serializer (Native AOT), joined as the one array.
        var each = reports.Select(r => System.Text.Json.JsonSerializer.Serialize(r, Audit.AuditJson.Readable.AuditReport));
        return Printable.Json("{\n\"databases\": [\n" + string.Join(",\n", each) + "\n]\n}");
    }
}
