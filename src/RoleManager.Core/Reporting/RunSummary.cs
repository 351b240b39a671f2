using System.Text.Json.Serialization;
using RoleManager.Check;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Reporting;

/// <summary>
/// The machine-readable result of a run: what both hosts print (<c>--output json</c>) or return (the
/// Lambda result). Holds names, privileges and display SQL only — never a password.
/// </summary>
public sealed record RunSummary(
    string Action,
    string Database,
    string Server,
    bool Changed,
    bool DryRun,
    int StatementsExecuted,
    double ElapsedSeconds,
    IReadOnlyList<ChangeSummary> Changes,
    IReadOnlyList<RoleSummary> Roles,
    IReadOnlyList<SchemaSummary> Schemas)
{
    /// <summary>What the master user cannot fix, each with the SQL a superuser must run (empty when there is none).</summary>
    public IReadOnlyList<FindingSummary> Findings { get; init; } = [];

    /// <summary>For a check: true only when every assertion holds (null for other actions).</summary>
    public bool? Passed { get; init; }

    /// <summary>For a check: every assertion made, passed or not.</summary>
    public IReadOnlyList<Assertion>? Assertions { get; init; }

    /// <summary>
    /// The summary of a run, the same from both hosts: <c>action</c> is plan, apply or check; <c>dryRun</c>
    /// is true only for an apply that was rolled back (a plan is not a dry run: it executes nothing).
    /// </summary>
    public static RunSummary From(UseCases.RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var desired = report.Desired;
        var summary = new RunSummary(
            report.Action.ToString().ToLowerInvariant(),
            desired.Database,
            $"PostgreSQL {report.Server.Version}",
            Changed: report.Committed && report.StatementsExecuted > 0,
            report.DryRun,
            report.StatementsExecuted,
            Math.Round(report.Elapsed.TotalSeconds, 3),
            report.Plan.Changes.Select(c => new ChangeSummary(c.Kind.ToString(), c.Description, c.Sql)).ToList(),
            desired.Roles.Select(r => new RoleSummary(
                r.Name, r.Drop ? "absent" : "present", r.Login, r.Auth.ToString().ToLowerInvariant(),
                r.MemberOf.Concat(r.Auth == AuthMode.Iam ? ["rds_iam"] : Array.Empty<string>()).ToList(),
                r.SearchPath?.ToList())).ToList(),
            desired.Schemas.Select(s => new SchemaSummary(s.Name, s.Owner,
                desired.PresentRoles.SelectMany(r => r.Grants.Where(g => g.Schema == s.Name)
                    .Select(g => new SchemaGrantSummary(r.Name, g.Profile.ToString().ToLowerInvariant()))).ToList())).ToList())
        {
            Findings = report.Findings.Select(f => new FindingSummary(f.Subject, f.Problem, f.FixSql)).ToList(),
        };
        return report.Check is { } check ? summary with { Passed = check.Passed, Assertions = check.Assertions } : summary;
    }
}

public sealed record FindingSummary(string Subject, string Problem, string FixSql);

public sealed record ChangeSummary(string Kind, string Description, string Sql);

public sealed record RoleSummary(string Name, string State, bool Login, string Auth, IReadOnlyList<string> MemberOf, IReadOnlyList<string>? SearchPath);

public sealed record SchemaSummary(string Name, string Owner, IReadOnlyList<SchemaGrantSummary> Grants);

public sealed record SchemaGrantSummary(string Role, string Profile);

/// <summary>The one JSON context for results (source-generated: no reflection under Native AOT).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(ClusterSummary))]
[JsonSerializable(typeof(ErrorSummary))]
[JsonSerializable(typeof(string))]
public sealed partial class ReportJson : JsonSerializerContext
{
    /// <summary>The same, with <c>+</c> and non-ASCII written as themselves (<see cref="ReadableJsonOptions"/>): what both hosts print.</summary>
    public static ReportJson Readable { get; } = new(ReadableJsonOptions.Create());
}

/// <summary>How a failure is reported in JSON: the stable type and the actionable message.</summary>
public sealed record ErrorSummary(string ErrorType, string ErrorMessage);
