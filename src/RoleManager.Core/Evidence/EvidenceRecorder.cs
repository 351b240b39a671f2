using System.Text.Json;
using RoleManager.Audit;
using RoleManager.UseCases;

namespace RoleManager.Evidence;

/// <summary>
/// The evidence step both hosts run after a check or a manage: read the database's previous evidence, build the new
/// document (with the diff), then write it. Two calls, so a host can log the run's compliance line even when the write fails.
/// </summary>
public sealed class EvidenceRecorder(IEvidenceStore store)
{
    /// <param name="report">Takes the audit report after the run; it runs while the previous evidence is read (the database
    /// and the store answer at the same time).</param>
    public async Task<PreparedEvidence> PrepareAsync(RunReport run, Func<CancellationToken, Task<AuditReport>> report, string requestId, DateTimeOffset when, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        var reading = store.ReadLatestAsync(EvidenceKeys.Folder(run.Server.Database), cancellationToken);
        AuditReport taken;
        try
        {
            taken = await report(cancellationToken);
        }
        catch
        {
            await Observe(reading); // the report's failure is the one to report; the read must not go unobserved
            throw;
        }
        return Prepare(run, taken, await reading, requestId, when);
    }

    private PreparedEvidence Prepare(RunReport run, AuditReport report, StoredEvidence? previous, string requestId, DateTimeOffset when)
    {
        var document = EvidenceBuilder.Build(run, report, requestId, when, previous);
        var name = EvidenceKeys.Name(document.Database, when, document.Action, requestId);
        return new PreparedEvidence(document, store.Key(name), store.Describe(name), name,
            JsonSerializer.SerializeToUtf8Bytes(document, EvidenceJson.Readable.EvidenceDocument));
    }

    /// <summary>
    /// Who can do what after the run: the audit report, read with the run's own request (same connection, secret and TLS
    /// policy) — the one way both hosts take it, for evidence and for the function's <c>report</c> action.
    /// </summary>
    public static async Task<AuditReport> ReportAfterAsync(RoleManagerRun runner, RunRequest request, DateTimeOffset generatedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var (desired, connections) = await runner.ConnectAsync(request, cancellationToken);
        return await AuditReporter.ReportAsync(connections, DeclaredLayout.From(desired), generatedAt, cancellationToken, request.Execution);
    }

    /// <summary>
    /// For a check, which changes nothing: the audit report of every database the run covers, started now so that it is
    /// read while the check runs — the report is most of what evidence adds to a check (issue #31 asks for at most 2x a
    /// plain check). Never for a manage: its evidence shows the database after the change.
    /// </summary>
    public static IReadOnlyDictionary<string, Task<AuditReport>> StartReports(RoleManagerRun runner, RunRequest request, DateTimeOffset generatedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reports = new Dictionary<string, Task<AuditReport>>(StringComparer.Ordinal);
        foreach (var target in TargetResolver.ResolveAll(request).Targets)
            reports[target.Desired.Database] = ReportAfterAsync(runner, request with { OnlyDatabase = target.Desired.Database }, generatedAt, cancellationToken);
        return reports;
    }

    private static async Task Observe(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is EvidenceException or OperationCanceledException) { }
    }

    public Task WriteAsync(PreparedEvidence evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return store.WriteAsync(evidence.Name, evidence.Content, cancellationToken);
    }
}

/// <param name="Key">The object's key (prefix included) or file path: what the log line's evidenceKey names.</param>
/// <param name="Location">s3://bucket/key or the file path, for people.</param>
/// <param name="Name">The key relative to the store's prefix.</param>
public sealed record PreparedEvidence(EvidenceDocument Document, string Key, string Location, string Name, byte[] Content);
