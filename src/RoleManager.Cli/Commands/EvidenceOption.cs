using System.CommandLine;
using RoleManager.Aws;
using RoleManager.Aws.Evidence;
using RoleManager.Errors;
using RoleManager.Evidence;
using RoleManager.UseCases;

namespace RoleManager.Cli.Commands;

/// <summary>
/// <c>--evidence s3://bucket/prefix</c> or <c>--evidence DIR</c> on <c>check</c> and <c>apply</c>: the same evidence object
/// the function writes (docs/compliance.md), for CI and jump hosts. Not on <c>plan</c>: a plan proves and changes nothing,
/// so it is not evidence of anything an auditor asks about.
/// </summary>
internal sealed class EvidenceOption
{
    public Option<string?> Option { get; } = new("--evidence")
    {
        Description = "After the run, write evidence (the assertions or the changes, who can do what, and what changed since the previous evidence) "
            + "to s3://bucket/prefix (SSE-S3, or SSE-KMS with ROLE_MANAGER_EVIDENCE_KMS_KEY_ARN) or to a folder. See docs/compliance.md.",
    };

    /// <summary>The store the option names, validated before anything connects; null without the option.</summary>
    public IEvidenceStore? Store(ParseResult result, Func<string, string?> environment)
    {
        var value = result.GetValue(Option)?.Trim();
        if (value is null) return null;
        if (value.Length == 0)
            throw new ConfigException("--evidence is empty: give s3://bucket/prefix or a folder, e.g. --evidence ./evidence.");
        if (value.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            var kms = environment(EvidenceTarget.KmsKeyVariable)?.Trim();
            return new S3EvidenceStore(AwsEnvironment.From(environment), EvidenceTarget.Parse(value, string.IsNullOrEmpty(kms) ? null : kms, "--evidence"));
        }
        if (value.Contains("://", StringComparison.Ordinal))
            throw new ConfigException($"--evidence '{value}': only s3:// URLs and folders are supported. Give s3://bucket/prefix or a folder.");
        return new DirectoryEvidenceStore(Path.GetFullPath(value));
    }

    /// <summary>Writes the run's evidence and says where on standard error (standard output stays the run's report).</summary>
    /// <param name="report">The report already being read while a check ran (<see cref="EvidenceRecorder.StartReports"/>); null: read it now.</param>
    public static async Task RecordAsync(IEvidenceStore store, RunReport run, RunRequest request, RoleManagerRun runner, Task<Audit.AuditReport>? report, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var recorder = new EvidenceRecorder(store);
        var evidence = await recorder.PrepareAsync(run, ct => report ?? EvidenceRecorder.ReportAfterAsync(runner, request, now, ct), Guid.NewGuid().ToString("D"), now, cancellationToken);
        await recorder.WriteAsync(evidence, cancellationToken);
        var counts = evidence.Document.Counts;
        Console.Error.WriteLine($"evidence: {evidence.Location} ({evidence.Document.Outcome}; {counts.AccessGained} grants gained, {counts.AccessLost} lost since "
            + (evidence.Document.Previous is null ? "no previous evidence" : "the previous evidence") + ")");
    }
}
