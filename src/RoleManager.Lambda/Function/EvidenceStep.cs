using Microsoft.Extensions.Logging;
using RoleManager.Aws;
using RoleManager.Aws.Evidence;
using RoleManager.Evidence;
using RoleManager.Lambda.Runtime;
using RoleManager.UseCases;

namespace RoleManager.Lambda.Function;

/// <summary>
/// After a <c>check</c> or a <c>manage</c>: one compliance log line (the module's metric filters read it), and with
/// <c>ROLE_MANAGER_EVIDENCE_BUCKET</c> set one evidence object in S3 (docs/compliance.md). A failure to read or write the
/// evidence is the invocation's error, after the line is logged, so the alarm still sees the run's outcome.
/// </summary>
internal sealed class EvidenceStep(IEvidenceStore? store, ILogger logger, TimeProvider time)
{
    /// <summary>Reads the evidence settings once per process; invalid settings are an init error that names the variable.</summary>
    public static EvidenceStep Create(HostServices services, Func<string, string?> environment)
    {
        var target = EvidenceTarget.FromEnvironment(environment);
        var logger = services.Logs.CreateLogger("RoleManager.Lambda.Compliance");
        return new EvidenceStep(target is null ? null : new S3EvidenceStore(AwsEnvironment.From(environment), target), logger, services.Time);
    }

    /// <summary>Whether an evidence object is written (a bucket is set); without one only the compliance line is logged.</summary>
    public bool WritesEvidence => store is not null;

    /// <param name="report">Takes the audit report after the run (with the run's own connection settings).</param>
    public async Task RecordAsync(RunReport run, Func<CancellationToken, Task<Audit.AuditReport>> report, Invocation invocation, CancellationToken cancellationToken)
    {
        if (run.Action is not (RunAction.Check or RunAction.Apply)) return;
        string action = EvidenceBuilder.ActionName(run.Action);
        if (store is null)
        {
            Line(run, action, run.Desired.Database, accessGained: 0, accessLost: 0, key: "");
            return;
        }

        PreparedEvidence evidence;
        try
        {
            evidence = await new EvidenceRecorder(store).PrepareAsync(run, report, invocation.RequestId, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Line(run, action, run.Desired.Database, 0, 0, key: "");
            throw;
        }

        var counts = evidence.Document.Counts;
        try
        {
            await new EvidenceRecorder(store).WriteAsync(evidence, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Line(run, action, evidence.Document.Database, counts.AccessGained, counts.AccessLost, key: "");
            throw;
        }
        Line(run, action, evidence.Document.Database, counts.AccessGained, counts.AccessLost, evidence.Key);
    }

    private void Line(RunReport run, string action, string database, int accessGained, int accessLost, string key)
    {
        bool failed = EvidenceBuilder.Failed(run);
        Logging.Log.Compliance(logger, failed ? LogLevel.Warning : LogLevel.Information, "compliance", action, database, failed ? "fail" : "pass",
            run.Check?.Failures.Count() ?? 0, accessGained, accessLost, key);
    }
}
