using System.Collections.Immutable;
using RoleManager.Audit;
using RoleManager.Check;
using RoleManager.Reporting;

namespace RoleManager.Evidence;

/// <summary>
/// One run's evidence: what an auditor asks of a database, kept as one JSON object per <c>check</c> or <c>manage</c>
/// (docs/compliance.md). Holds names, privileges and display SQL only — never a password, token or connection string.
/// <see cref="FormatVersion"/> changes only when a field changes meaning or disappears.
/// </summary>
/// <param name="Action">check or manage.</param>
/// <param name="Outcome">pass or fail: a check with a failed (or unproven) assertion, or a manage that left changes or findings, fails.</param>
/// <param name="Assertions">The check's assertions (null for a manage).</param>
/// <param name="Changes">The changes a manage applied (or, dry run, would have applied), with their SQL (null for a check).</param>
/// <param name="Report">Who can do what after the run: the audit report (docs/report.md).</param>
/// <param name="Previous">The key of the previous evidence of this database (null for the first).</param>
/// <param name="Diff">Who gained or lost what since <see cref="Previous"/> (null for the first).</param>
public sealed record EvidenceDocument(
    int FormatVersion,
    DateTimeOffset When,
    string Database,
    EvidenceServer Server,
    string RequestId,
    string Action,
    string Outcome,
    EvidenceCounts Counts,
    IReadOnlyList<Assertion>? Assertions,
    EvidenceChanges? Changes,
    ImmutableArray<FindingSummary> Findings,
    AuditReport Report,
    string? Previous,
    ReportDiff? Diff)
{
    public const int CurrentFormatVersion = 1;
}

/// <param name="Host">The host name the run connected to (no user, no password).</param>
public sealed record EvidenceServer(string Host, int Port, string Version, int VersionNum);

/// <param name="AccessGained">Role × privilege × object grants gained since the previous evidence.</param>
public sealed record EvidenceCounts(int Assertions, int FailedAssertions, int Findings, int AccessGained, int AccessLost, int PathsChanged, int RoleChanges);

/// <param name="Committed">False for a dry run (rolled back) or a run with nothing to do.</param>
public sealed record EvidenceChanges(bool DryRun, bool Committed, int StatementsExecuted, ImmutableArray<ChangeSummary> Applied);
