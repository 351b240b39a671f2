using System.Diagnostics;
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
/// The orchestrator: inspect → plan → execute, as a short script. Plan reads without locking; apply
/// inspects again inside its locked transaction so that two runs at once never act on a stale plan.
/// </summary>
public sealed class Engine(IConnectionFactory connections, ICatalogInspector? inspector = null, PlanExecutor? executor = null)
{
    private readonly ICatalogInspector _inspector = inspector ?? new CatalogInspector();
    private readonly PlanExecutor _executor = executor ?? new PlanExecutor();

    public IConnectionFactory Connections => connections;

    public async Task<CurrentState> InspectAsync(InspectionScope scope, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await _inspector.InspectAsync(connection, scope, cancellationToken);
    }

    public async Task<RunResult> PlanAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var current = await InspectAsync(InspectionScope.For(desired), cancellationToken);
        return new RunResult(Planner.Plan(desired, current), current, 0, Committed: false, DryRun: true, clock.Elapsed);
    }

    /// <summary>Plans (drift is a failed assertion), then proves every role's privileges; changes nothing.</summary>
    public async Task<(RunResult Plan, CheckResult Check)> CheckAsync(DesiredState desired, ILoginCredentials credentials, ConnectionSettings target, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(desired, cancellationToken);
        var check = await new Checker(connections, credentials, target).CheckAsync(desired, plan.Plan, cancellationToken);
        return (plan, check);
    }

    /// <summary>
    /// Converges the database in one transaction. With <paramref name="dryRun"/> every statement still
    /// runs (so the server validates the plan) and the transaction is rolled back.
    /// </summary>
    public async Task<RunResult> ApplyAsync(DesiredState desired, ExecutionOptions options, bool dryRun, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await PlanTransaction.BeginAsync(connection, options, cancellationToken);
        var current = await _inspector.InspectAsync(connection, InspectionScope.For(desired), cancellationToken);
        var plan = Planner.Plan(desired, current);
        if (plan.IsEmpty)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new RunResult(plan, current, 0, Committed: false, dryRun, clock.Elapsed);
        }
        int executed = await _executor.ExecuteAsync(transaction, plan, cancellationToken);
        if (dryRun) await transaction.RollbackAsync(cancellationToken);
        else
        {
            try
            {
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Npgsql.NpgsqlException ex)
            {
                throw new Errors.ApplyException(
                    "The connection was lost while committing, so the server may or may not have kept the changes. " +
                    "Run 'plan' to see the database's state; 'apply' again converges it either way.", ex);
            }
        }
        return new RunResult(plan, current, executed, Committed: !dryRun, dryRun, clock.Elapsed);
    }
}
