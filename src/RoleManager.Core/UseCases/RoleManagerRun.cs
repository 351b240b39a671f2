using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RoleManager.Check;
using RoleManager.Execute;
using RoleManager.Inspect;
using RoleManager.Passwords;
using RoleManager.Planning;

namespace RoleManager.UseCases;

/// <summary>
/// The use case both hosts call: one <see cref="RunRequest"/> in, one <see cref="RunReport"/> out.
/// Resolves layout and connection (<see cref="TargetResolver"/>), the master login
/// (<see cref="MasterSecretConnections"/>), then runs the <see cref="Engine"/>; an apply that lost a race
/// with a run on another database of the cluster is retried after a fresh inspection.
/// </summary>
public sealed class RoleManagerRun(ILogger? logger = null, PlanExecutor? executor = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>One database's run (a one-database layout); a cluster config is an error here: use <see cref="RunClusterAsync"/>.</summary>
    public Task<RunReport> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(request, TargetResolver.Resolve(request), cancellationToken);
    }

    /// <summary>
    /// Every database the layout declares (ClusterRun.cs): one for a one-database layout, each database of a cluster
    /// config, or the one chosen with <see cref="RunRequest.OnlyDatabase"/> or <c>--dbname</c>.
    /// </summary>
    public Task<ClusterRunReport> RunClusterAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ClusterRun(this, request).RunAsync(TargetResolver.ResolveAll(request), cancellationToken);
    }

    internal async Task<RunReport> RunAsync(RunRequest request, ResolvedTarget target, CancellationToken cancellationToken, Action<Plan>? onPlanned = null,
        RoleReadShare? roleRead = null)
    {
        var clock = Stopwatch.StartNew();
        if (target.Connection.TlsWarning is { } tlsWarning) ExecutionLog.TlsBelowVerifyFull(_logger, tlsWarning);
        foreach (var role in target.Desired.Roles)
            if (role.Password is { } password) request.SecretRead?.Invoke(password);

        var connections = await MasterSecretConnections.CreateAsync(target, request, _logger, cancellationToken);
        var engine = new Engine(connections, executor: executor, logger: _logger, roleRead: roleRead);
        if (request.Action != RunAction.Inspect)
        {
            // password_secret roles: their secret's version (and value for the check's logins), before the plan. The
            // password_env roles are proven by the engine right after its master login (Engine.ProvePasswordsAsync).
            var secrets = RolePasswordResolver.NeedsSecrets(target.Desired) ? request.RolePasswordSecrets?.Invoke() : null;
            target = target with
            {
                Desired = await new RolePasswordResolver(connections, secrets, request.SecretRead)
                    .ResolveAsync(target.Desired, forLogins: request.Action == RunAction.Check, cancellationToken, proveEnvironment: false),
            };
        }
        var desired = target.Desired;
        RunReport report;
        switch (request.Action)
        {
            case RunAction.Inspect:
                var current = await engine.InspectAsync(InspectionScope.For(desired), cancellationToken, request.Execution);
                report = new RunReport(RunAction.Inspect, false, connections.Target, desired, current, Plan.Empty, 0, false, null, clock.Elapsed);
                break;
            case RunAction.Plan:
                var planned = await engine.PlanAsync(desired, cancellationToken, request.Execution);
                report = From(RunAction.Plan, connections.Target, desired, planned, null, clock.Elapsed);
                break;
            case RunAction.Check:
                var (plan, check) = await engine.CheckAsync(desired, request.LoginCredentials ?? new PasswordLoginCredentials(), connections.Settings, cancellationToken, request.Execution);
                report = From(RunAction.Check, connections.Target, desired, plan, check, clock.Elapsed);
                break;
            default:
                report = await ApplyAsync(engine, request, target, connections.Target, clock, onPlanned, cancellationToken);
                break;
        }
        ExecutionLog.RunFinished(_logger, request.Action.ToString().ToLowerInvariant(), desired.Database, report.Plan.Changes.Length, report.StatementsExecuted, report.Committed);
        return report;
    }

    /// <summary>
    /// A cluster run's password roles, resolved once for every database (a role's password is the cluster's): each
    /// password_env login tried once, in the first database whose part of the config gives the role CONNECT, and each
    /// secret's version read once (its value at most once, by whichever database's plan needs it first). Every target gets
    /// the same facts on its own role specs (its per-database part unchanged), so no database repeats the logins; each
    /// database's planner decides from them and its own inspection (no master connection here).
    /// </summary>
    internal async Task<IReadOnlyList<ResolvedTarget>> ResolvePasswordsOnceAsync(RunRequest request, IReadOnlyList<ResolvedTarget> targets,
        CancellationToken cancellationToken)
    {
        var first = targets[0];
        if (request.Action == RunAction.Inspect || !RolePasswordResolver.HasUnresolved(first.Desired)) return targets;
        var connections = new Connect.IConnectionFactory?[targets.Count];
        async Task<Connect.IConnectionFactory> ConnectionsAsync(int i) =>
            connections[i] ??= await MasterSecretConnections.CreateAsync(targets[i], request, _logger, cancellationToken);
        var master = await ConnectionsAsync(0);
        var withConnect = new Dictionary<string, Connect.IConnectionFactory>(StringComparer.Ordinal);
        foreach (var role in first.Desired.PresentRoles.Where(r => r.PasswordSource is { Resolved: false }))
        {
            int i = Enumerable.Range(0, targets.Count).FirstOrDefault(i => targets[i].Desired.GivesConnect(role.Name));
            withConnect[role.Name] = await ConnectionsAsync(i);
        }
        var secrets = RolePasswordResolver.NeedsSecrets(first.Desired) ? request.RolePasswordSecrets?.Invoke() : null;
        var resolved = (await new RolePasswordResolver(master, secrets, request.SecretRead) { LoginsFor = role => withConnect.GetValueOrDefault(role) ?? master }
            .ResolveAsync(first.Desired, forLogins: request.Action == RunAction.Check, cancellationToken)).Roles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        return targets.Select(t => t with
        {
            Desired = t.Desired with
            {
                Roles = t.Desired.Roles.Select(r => resolved.TryGetValue(r.Name, out var once) && r.PasswordSource is not null
                    ? r with { Password = once.Password, PasswordSource = once.PasswordSource } : r).ToImmutableArray(),
            },
        }).ToList();
    }

    /// <summary>
    /// Resolution and the master login only, for a command that reads with its own queries (the audit report):
    /// the same precedence, secret handling and TLS policy as every other run. A cluster config gives the database chosen
    /// (<c>--dbname</c>, the event's database); cluster-wide work (a password rotation) uses <see cref="ConnectAllAsync"/>.
    /// </summary>
    public async Task<(Model.DesiredState Desired, Connect.IConnectionFactory Connections)> ConnectAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var all = TargetResolver.ResolveAll(request);
        if (all.Targets.Count > 1)
            throw new Errors.ConfigException($"This command reads one database at a time: choose one of the config's databases ({string.Join(", ", all.Targets.Select(t => t.Desired.Database))}) with --dbname.");
        return await ConnectAsync(request, all.Targets[0], cancellationToken);
    }

    /// <summary>The same for every database the layout covers (each database of a cluster config, or the one chosen), in its order.</summary>
    public async Task<IReadOnlyList<(Model.DesiredState Desired, Connect.IConnectionFactory Connections)>> ConnectAllAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = new List<(Model.DesiredState, Connect.IConnectionFactory)>();
        foreach (var target in TargetResolver.ResolveAll(request).Targets) result.Add(await ConnectAsync(request, target, cancellationToken));
        return result;
    }

    private async Task<(Model.DesiredState Desired, Connect.IConnectionFactory Connections)> ConnectAsync(RunRequest request, ResolvedTarget target, CancellationToken cancellationToken)
    {
        if (target.Connection.TlsWarning is { } tlsWarning) ExecutionLog.TlsBelowVerifyFull(_logger, tlsWarning);
        var connections = await MasterSecretConnections.CreateAsync(target, request, _logger, cancellationToken);
        return (target.Desired, connections);
    }

    private async Task<RunReport> ApplyAsync(Engine engine, RunRequest request, ResolvedTarget target, string targetName, Stopwatch clock,
        Action<Plan>? onPlanned, CancellationToken cancellationToken)
    {
        int attempts = Math.Max(1, request.ConflictAttempts);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var applied = await engine.ApplyAsync(target.Desired, request.Execution, request.DryRun, cancellationToken, onPlanned);
                return From(RunAction.Apply, targetName, target.Desired, applied, null, clock.Elapsed) with { Attempts = attempt };
            }
            catch (Exception ex) when (attempt < attempts && ConcurrentRunConflict.Is(ex, out string sqlState))
            {
                // Everything was rolled back; the next attempt inspects again and plans only what is still missing.
                ExecutionLog.RetryingAfterConflict(_logger, sqlState, attempt + 1, attempts);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 120) * attempt), cancellationToken);
            }
        }
    }

    private static RunReport From(RunAction action, string target, Model.DesiredState desired, RunResult result, CheckResult? check, TimeSpan elapsed) =>
        new(action, result.DryRun, target, desired, result.Before, result.Plan, result.StatementsExecuted, result.Committed, check, elapsed);
}
