using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RoleManager.Check;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Inspect;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager;

/// <summary>What a plan or apply did: the plan, how many of its statements ran, and whether they were kept.</summary>
public sealed record RunResult(
    Plan Plan,
    CurrentState Before,
    int StatementsExecuted,
    bool Committed,
    bool DryRun,
    TimeSpan Elapsed);

/// <summary>
/// The stages in order, as a short script: inspect → plan → execute (→ check). Plan reads without
/// locking; apply inspects again inside its locked transaction so that two runs at once never act on a
/// stale plan. Hosts do not call this directly: they call <see cref="UseCases.RoleManagerRun"/>, which
/// resolves the connection and credentials first.
/// </summary>
public sealed class Engine(IConnectionFactory connections, ICatalogInspector? inspector = null, PlanExecutor? executor = null, ILogger? logger = null,
    RoleReadShare? roleRead = null)
{
    private readonly ICatalogInspector _inspector = inspector ?? new CatalogInspector();
    private readonly PlanExecutor _executor = executor ?? new PlanExecutor();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public IConnectionFactory Connections => connections;

    /// <summary>Reads the managed scope with every object's name, in a rolled-back transaction with the run's settings.</summary>
    public async Task<CurrentState> InspectAsync(InspectionScope scope, CancellationToken cancellationToken, ExecutionOptions? options = null)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await ReadTransactionAsync(connection, options, cancellationToken);
        var current = await FirstInspectionAsync(transaction, scope, cancellationToken);
        await transaction.FinishAsync(cancellationToken);
        return current;
    }

    /// <summary>
    /// Reads and plans; changes nothing and is not a dry run (<see cref="RunResult.DryRun"/> is false). The reads run in a
    /// rolled-back transaction with the run's settings (timeouts, no JIT or parallel workers), as the apply's do, but take
    /// no advisory lock: a plan waits for no other run.
    /// </summary>
    public async Task<RunResult> PlanAsync(DesiredState desired, CancellationToken cancellationToken, ExecutionOptions? options = null)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return (await PlanProvenAsync(connection, desired, cancellationToken, options)).Result;
    }

    /// <summary>
    /// The plan over <paramref name="connection"/> (the master's, left open: the check's probes go on in it), and the
    /// desired state with its passwords proven and the secret values it needed (the check's logins use it).
    /// </summary>
    private async Task<(RunResult Result, DesiredState Desired)> PlanProvenAsync(Npgsql.NpgsqlConnection connection, DesiredState desired,
        CancellationToken cancellationToken, ExecutionOptions? options)
    {
        var clock = Stopwatch.StartNew();
        desired = await ProvePasswordsAsync(connection, desired, cancellationToken);
        await using var transaction = await ReadTransactionAsync(connection, options, cancellationToken);
        var scope = InspectionScope.For(desired);
        var summary = await FirstInspectionAsync(transaction, scope with { ObjectNames = false }, cancellationToken);
        desired = await Passwords.PlannedPasswordValues.ReadAsync(desired, summary, cancellationToken);
        var (current, plan) = await PlanAsync(connection, desired, scope, summary, cancellationToken);
        await transaction.FinishAsync(cancellationToken);
        return (new RunResult(plan, current, 0, Committed: false, DryRun: false, clock.Elapsed), desired);
    }

    /// <summary>
    /// Plans from a summarised inspection (one representative object per group of objects sharing schema, kind, owner and
    /// ACL): whether a plan is converged depends only on those groups, so a converged database is planned without its
    /// object names (20,000 at 10,000 tables). Otherwise — changes, findings, column grants (matched to tables by name),
    /// or a refusal — the names are read and the plan is made again from every object, so plans are exactly as before.
    /// </summary>
    private async Task<(CurrentState Current, Plan Plan)> PlanAsync(Npgsql.NpgsqlConnection connection, DesiredState desired, InspectionScope scope,
        CurrentState summary, CancellationToken cancellationToken)
    {
        if (summary.ColumnGrants.IsEmpty && TryPlan(desired, summary) is { IsConverged: true } converged)
            return (summary, converged);
        var objects = await CatalogReads.GuardAsync(connection, () => _inspector.ReadObjectsAsync(connection, scope, cancellationToken), cancellationToken);
        var current = summary with { Objects = objects, ObjectsSummarised = false };
        return (current, Planner.Plan(desired, current));
    }

    /// <summary>A transaction for reads only (plan, inspect): the run's settings, always rolled back, no advisory lock.</summary>
    private Task<PlanTransaction> ReadTransactionAsync(Npgsql.NpgsqlConnection connection, ExecutionOptions? options, CancellationToken cancellationToken) =>
        PlanTransaction.StartAsync(connection, options ?? ExecutionOptions.Default, TransactionMode.AlwaysRollback, _logger, cancellationToken, serialise: false);

    /// <summary>
    /// The inspection as the transaction's first batch (its settings and lock in front: one round trip), its timeouts mapped.
    /// In a cluster run it takes part in the run's one read of the roles (<see cref="RoleReadSharing"/>).
    /// </summary>
    private async Task<CurrentState> FirstInspectionAsync(PlanTransaction transaction, InspectionScope scope, CancellationToken cancellationToken)
    {
        if (roleRead is null) return await InspectAsync(transaction, scope, cancellationToken);
        CurrentState? current = null;
        try
        {
            current = await InspectAsync(transaction, await roleRead.ScopeAsync(scope, cancellationToken), cancellationToken);
            return current;
        }
        finally
        {
            roleRead.Inspected(current);
        }
    }

    private Task<CurrentState> InspectAsync(PlanTransaction transaction, InspectionScope scope, CancellationToken cancellationToken) =>
        CatalogReads.GuardAsync(transaction.Connection, () => transaction.FirstBatchAsync(
            prelude => _inspector.InspectAsync(transaction.Connection, scope, prelude, cancellationToken), cancellationToken), cancellationToken);

    private static Plan? TryPlan(DesiredState desired, CurrentState summary)
    {
        try
        {
            return Planner.Plan(desired, summary);
        }
        catch (Exception ex) when (ex is Errors.RoleManagerException or ArgumentException or InvalidOperationException)
        {
            return null; // planned again from every object, which raises whatever is real with the right names
        }
    }

    /// <summary>Plans (drift is a failed assertion), then proves every role's privileges; changes nothing.</summary>
    public async Task<(RunResult Plan, CheckResult Check)> CheckAsync(DesiredState desired, ILoginCredentials credentials, ConnectionSettings target, CancellationToken cancellationToken,
        ExecutionOptions? options = null)
    {
        // One master login for the whole check: the plan's session goes on with the probes (issue 29).
        await using var connection = await OpenAsync(cancellationToken);
        (var plan, desired) = await PlanProvenAsync(connection, desired, cancellationToken, options);
        var check = await new Checker(connections, credentials, target, options, _logger) { Master = connection }.CheckAsync(desired, plan.Plan, cancellationToken);
        return (plan, check);
    }

    /// <summary>
    /// Converges the database in one transaction. With <paramref name="dryRun"/> every statement still
    /// runs (so the server validates the plan) and the transaction is rolled back. <paramref name="planned"/> is told the
    /// plan made inside the transaction, under its lock, before anything runs (a cluster run starts the other databases
    /// as soon as it holds no cluster-wide change).
    /// </summary>
    public async Task<RunResult> ApplyAsync(DesiredState desired, ExecutionOptions options, bool dryRun, CancellationToken cancellationToken,
        Action<Plan>? planned = null)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await OpenAsync(cancellationToken);
        desired = await ProvePasswordsAsync(connection, desired, cancellationToken);
        var mode = dryRun ? TransactionMode.AlwaysRollback : TransactionMode.Commit;
        // Begin, timeouts, advisory lock and the inspection go in one batch: a converged apply is one round trip
        // (and the rollback) after the login.
        await using var transaction = await PlanTransaction.StartAsync(connection, options, mode, _logger, cancellationToken);
        var scope = InspectionScope.For(desired);
        var summary = await FirstInspectionAsync(transaction, scope with { ObjectNames = false }, cancellationToken);
        desired = await Passwords.PlannedPasswordValues.ReadAsync(desired, summary, cancellationToken);
        var (current, plan) = await PlanAsync(connection, desired, scope, summary, cancellationToken);
        planned?.Invoke(plan);
        if (plan.IsEmpty)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new RunResult(plan, current, 0, Committed: false, dryRun, clock.Elapsed);
        }
        int executed = await _executor.ExecuteAsync(transaction, plan, cancellationToken);
        bool committed = await transaction.FinishAsync(cancellationToken);
        return new RunResult(plan, current, executed, committed, dryRun, clock.Elapsed);
    }

    /// <summary>
    /// A password_env role's password is drift like any other: the master cannot read pg_authid (RDS), so whether the
    /// declared value is current is proven by a login as the role (<see cref="Passwords.RolePasswordResolver"/>: one
    /// login per password_env role, a second one with a value that must fail to tell a trusting server apart; in
    /// parallel, at most <see cref="Checker.LoginParallelism"/> at once; never a master login). The hosts read Secrets
    /// Manager for password_secret before calling the engine, which proves what no one proved yet, so no caller can plan,
    /// apply or check without seeing a password changed by hand. It runs right after the master's login, before the
    /// transaction: what a failed or held master login says (unreachable, a cluster resuming) comes first, and the
    /// role logins meet a server that is up. Whether to set a password is the planner's, from these logins and the
    /// inspection (<see cref="Passwords.PasswordDecision"/>).
    /// </summary>
    private async Task<DesiredState> ProvePasswordsAsync(Npgsql.NpgsqlConnection master, DesiredState desired, CancellationToken cancellationToken)
    {
        if (!Passwords.RolePasswordResolver.HasUnprovenEnvironmentPasswords(desired)) return desired;
        // Which declared roles exist, over the master's session: a role not there yet is created with its password, and
        // a login as it could only be refused (and logged by the server as a failed login).
        var existing = await Checker.ExistingAsync(master, Check.CheckSql.ExistingRoles, [desired.Roles.Select(r => r.Name).ToArray()], cancellationToken);
        return await new Passwords.RolePasswordResolver(connections, secrets: null) { Existing = existing }.ResolveAsync(desired, forLogins: false, cancellationToken);
    }

    private async Task<Npgsql.NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await connections.OpenAsync(cancellationToken);
        ExecutionLog.Opened(_logger, connections.Target);
        return connection;
    }
}
