using System.Collections.Immutable;
using RoleManager.Check;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.UseCases;

/// <summary>
/// What one run did, immutable: the one result the renderers take (the CLI's text, the JSON summary both hosts emit, the
/// Lambda result) and the hosts' exit codes read.
/// </summary>
/// <param name="Target">user@host:port/database, never with a password.</param>
/// <param name="Before">The state inspected (inside the apply's lock for an apply); its <c>Server</c> names the server.</param>
/// <param name="Plan">The changes and findings; empty for <see cref="RunAction.Inspect"/>.</param>
/// <param name="Check">The assertions of a check (null for other actions).</param>
public sealed record RunReport(
    RunAction Action,
    bool DryRun,
    string Target,
    DesiredState Desired,
    CurrentState Before,
    Plan Plan,
    int StatementsExecuted,
    bool Committed,
    CheckResult? Check,
    TimeSpan Elapsed)
{
    public ServerInfo Server => Before.Server;

    public ImmutableArray<Finding> Findings => Plan.Findings.IsDefault ? ImmutableArray<Finding>.Empty : Plan.Findings;

    /// <summary>How many times the apply was started (more than 1 when a concurrent run on the cluster got there first).</summary>
    public int Attempts { get; init; } = 1;
}
