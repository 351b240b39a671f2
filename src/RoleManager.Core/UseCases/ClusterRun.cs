using System.Collections.Immutable;
using System.Diagnostics;
using RoleManager.Errors;
using RoleManager.Inspect;
using RoleManager.Planning;

namespace RoleManager.UseCases;

/// <summary>
/// One run over the databases of a cluster config. Each database is an ordinary one-database run over its own
/// connection and in its own transaction; what makes it one run of the cluster is the order:
/// <list type="bullet">
/// <item>plan, check and inspect: every database at once, at most <see cref="RunRequest.DatabasesAtOnce"/> together;</item>
/// <item>apply: the first database first. The cluster-wide changes (roles, attributes, memberships, passwords,
/// <c>settings</c>) are the same in every database's plan, so they are applied once, in the first database's transaction,
/// and the others start when it has finished, finding them done when they inspect inside their own. When the first
/// database's plan (made under its lock) has no cluster-wide change, the others start at once: there is nothing for them
/// to wait for. If the first fails, the next ones carry them (a race between two of them is retried from a fresh
/// inspection, as between separate runs).</item>
/// </list>
/// Password roles are resolved once for the run (<see cref="RoleManagerRun.ResolvePasswordsOnceAsync"/>): a role's
/// password is the cluster's, so its login is tried once, not once per database.
/// A database that fails does not stop the others: its transaction is rolled back, the databases committed stay
/// committed, and the next run plans only what is still missing (docs/architecture.md, "One run for a cluster").
/// </summary>
internal sealed class ClusterRun(RoleManagerRun run, RunRequest request)
{
    public async Task<ClusterRunReport> RunAsync(ResolvedTargets resolved, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (!resolved.IsCluster)
        {
            // The one-database layout: exactly the run it always was, its errors thrown as they always were.
            var report = await run.RunAsync(request, resolved.Targets[0], cancellationToken);
            return new ClusterRunReport(request.Action, [new DatabaseRun(report.Desired.Database, report, null)], false, clock.Elapsed);
        }
        IReadOnlyList<ResolvedTarget> targets;
        try
        {
            targets = await run.ResolvePasswordsOnceAsync(request, resolved.Targets, cancellationToken);
        }
        catch (RoleManagerException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing ran in any database: each reports the one error.
            return new ClusterRunReport(request.Action, resolved.Targets.Select(t => new DatabaseRun(t.Desired.Database, null, ex)).ToList(), true, clock.Elapsed);
        }
        var results = new DatabaseRun[targets.Count];
        // apply: the others wait for the first database, until its plan (made under its lock) shows no cluster-wide change
        // or, when it has some, until it has finished with them (committed, or failed and rolled back).
        var firstSettled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool ordered = request.Action == RunAction.Apply && targets.Count > 1;
        if (!ordered) firstSettled.SetResult();
        void Planned(Plan plan)
        {
            if (!plan.Changes.Any(ClusterRunReport.IsClusterWide)) firstSettled.TrySetResult();
        }
        // The roles are read once, in the first database, for all of them (Inspect/RoleReadSharing.cs).
        var roleRead = targets.Count > 1 ? new RoleReadSharing(targets.Select(t => (t.Desired.Database, InspectionScope.For(t.Desired))).ToList()) : null;
        using var slots = new SemaphoreSlim(Math.Max(1, request.DatabasesAtOnce));
        await Task.WhenAll(Enumerable.Range(0, targets.Count).Select(async i =>
        {
            if (i > 0) await firstSettled.Task.WaitAsync(cancellationToken);
            await slots.WaitAsync(cancellationToken);
            try { results[i] = await RunOneAsync(targets[i], i == 0 && ordered ? Planned : null, roleRead?.For(i), cancellationToken); }
            finally
            {
                slots.Release();
                if (i == 0) firstSettled.TrySetResult();
            }
        }));
        return new ClusterRunReport(request.Action, results, true, clock.Elapsed);
    }

    private async Task<DatabaseRun> RunOneAsync(ResolvedTarget target, Action<Plan>? planned, RoleReadShare? roleRead, CancellationToken cancellationToken)
    {
        try
        {
            return new DatabaseRun(target.Desired.Database, await run.RunAsync(request, target, cancellationToken, planned, roleRead), null);
        }
        catch (RoleManagerException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Rolled back (or never started); the other databases go on.
            return new DatabaseRun(target.Desired.Database, null, ex);
        }
        finally
        {
            // The first database failed before its inspection (or was never inspected): the others read the roles themselves.
            if (roleRead is { First: true }) roleRead.Inspected(null);
        }
    }
}

/// <summary>One database's part of a run: its report, or the error that stopped it (then nothing of it was committed).</summary>
public sealed record DatabaseRun(string Database, RunReport? Report, RoleManagerException? Error);

/// <summary>
/// What a run over a layout did, database by database, in the config's order. For a one-database layout
/// (<see cref="IsCluster"/> false) it holds that database's report and never an error (errors are thrown).
/// </summary>
public sealed record ClusterRunReport(RunAction Action, IReadOnlyList<DatabaseRun> Databases, bool IsCluster, TimeSpan Elapsed)
{
    /// <summary>The report of a one-database layout.</summary>
    public RunReport? Single => IsCluster ? null : Databases[0].Report;

    public IEnumerable<DatabaseRun> Failed => Databases.Where(d => d.Error is not null);

    /// <summary>True when some database's plan has changes (plan, check) or some database executed changes (apply).</summary>
    public bool AnyChanges => Databases.Any(d => d.Report is { Plan.IsEmpty: false });

    /// <summary>
    /// The report of database <paramref name="index"/> as it is shown: a cluster-wide change (a role, its attributes,
    /// memberships, password or cluster-wide settings) already listed for an earlier database is left out, since one run
    /// applies it once; <paramref name="repeated"/> counts them.
    /// </summary>
    public RunReport? Shown(int index, out int repeated)
    {
        repeated = 0;
        if (Databases[index].Report is not { } report) return null;
        var earlier = Databases.Take(index).Where(d => d.Report is not null)
            .SelectMany(d => d.Report!.Plan.Changes.Where(IsClusterWide)).Select(c => c.Sql).ToHashSet(StringComparer.Ordinal);
        var shown = report.Plan.Changes.Where(c => !IsClusterWide(c) || !earlier.Contains(c.Sql)).ToImmutableArray();
        repeated = report.Plan.Changes.Length - shown.Length;
        return repeated == 0 ? report : report with { Plan = report.Plan with { Changes = shown } };
    }

    /// <summary>A change of the cluster's roles rather than of one database (an ALTER ROLE ... IN DATABASE is the database's).</summary>
    public static bool IsClusterWide(Change change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Kind is ChangeKind.CreateRole or ChangeKind.DropRole or ChangeKind.GrantMembership or ChangeKind.RevokeMembership or ChangeKind.SetPassword
               || (change.Kind == ChangeKind.AlterRole && !change.Sql.Contains(" IN DATABASE ", StringComparison.Ordinal));
    }
}

/// <summary>
/// A run over a cluster config in which some database failed (the Lambda's error): the databases that committed stay
/// committed, the failed ones were rolled back, and the next run plans only what is still missing. Its
/// <see cref="ErrorType"/> is the first failure's.
/// </summary>
public sealed class ClusterRunException : RoleManagerException
{
    private readonly string _errorType;

    private ClusterRunException(string message, string errorType, Exception inner) : base(message, inner) => _errorType = errorType;

    public override string ErrorType => _errorType;

    public static void ThrowIfFailed(ClusterRunReport run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var failed = run.Failed.ToList();
        if (failed.Count == 0) return;
        var committed = run.Databases.Where(d => d.Report is { Committed: true }).Select(d => d.Database).ToList();
        string message = string.Join(" ", failed.Select(d => $"Database {d.Database}: {d.Error!.Message}")) +
            (committed.Count > 0 ? $" Committed: {string.Join(", ", committed)};" : "") +
            $" failed and rolled back: {string.Join(", ", failed.Select(d => d.Database))}. Run again: it plans only what is still missing.";
        throw new ClusterRunException(message, failed[0].Error!.ErrorType, failed[0].Error!);
    }
}
