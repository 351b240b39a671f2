using System.Text.Json;
using Microsoft.Extensions.Logging;
using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Runtime;
using RoleManager.Model;
using RoleManager.Reporting;

namespace RoleManager.Lambda.Function;

/// <summary>
/// The RoleManager function: one event → one engine run (manage, plan or check) → one JSON summary.
/// Everything is validated before the database is contacted; the master password comes from Secrets
/// Manager once per process (warm starts reuse it) and is registered with the log redactor.
/// </summary>
public sealed partial class RoleManagerFunction : IInvocationHandler
{
    /// <summary>A full YAML/JSON layout config; without it the default layout is built from the DB_* / *_USER variables.</summary>
    public const string ConfigVariable = "ROLE_MANAGER_CONFIG";
    /// <summary>iam (default), password or none: the auth of login roles in the default layout.</summary>
    public const string AuthVariable = "ROLE_MANAGER_AUTH";
    public const string LockTimeoutVariable = "ROLE_MANAGER_LOCK_TIMEOUT_SECONDS";

    private readonly HostServices _services;
    private readonly Func<string, string?> _environment;
    private readonly ISecretSource? _secrets;
    private readonly ILogger _logger;

    private RoleManagerFunction(HostServices services, Func<string, string?> environment, ISecretSource? secrets)
    {
        _services = services;
        _environment = environment;
        _secrets = secrets;
        _logger = services.Logs.CreateLogger("RoleManager.Lambda.Function");
    }

    /// <summary>Creates the function once per process (Lambda's init phase); a throw here is an init error.</summary>
    public static IInvocationHandler Create(HostServices services) => Create(services, Environment.GetEnvironmentVariable);

    internal static IInvocationHandler Create(HostServices services, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ISecretSource? secrets = null;
        if (!string.IsNullOrEmpty(environment("DB_PASSWORD_SECRET_ARN")))
        {
            var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            secrets = new CachingSecretSource(SecretsManagerClient.FromEnvironment(http, AwsEnvironment.From(environment), services.Time));
        }
        return new RoleManagerFunction(services, environment, secrets);
    }

    public async Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var lambdaEvent = EventParser.Parse(invocation.Payload);
        bool dryRun = lambdaEvent.DryRun ?? false;
        EventAccepted(_logger, lambdaEvent.ActionName, dryRun);

        // Layout and connection are resolved and validated before anything is contacted.
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(), _environment);
        var desired = LayoutSource.Resolve(new LayoutInputs(
            ConfigText: lambdaEvent.ConfigJson ?? NonEmpty(_environment(ConfigVariable)),
            Auth: NonEmpty(_environment(AuthVariable)) is { } auth ? ConfigLoader.ParseAuth(auth) ?? throw new Errors.ConfigException($"{AuthVariable}='{auth}' is not valid: use iam, password or none.") : null),
            _environment, settings.Database);
        foreach (var role in desired.Roles)
            if (role.Password is { } p) _services.Redactor.Register(p);

        settings = await WithMasterPasswordAsync(settings, invocation, cancellationToken);
        var engine = new Engine(new NpgsqlConnectionFactory(settings, "role-manager-lambda"));
        if (lambdaEvent.Action == EventAction.Report) // issue #17: the audit report as JSON (docs/report.md); reads only
            return JsonSerializer.SerializeToUtf8Bytes(await Audit.AuditReporter.ReportAsync(engine.Connections, Audit.DeclaredLayout.From(desired),
                _services.Time.GetUtcNow(), cancellationToken), Audit.AuditJson.Readable.AuditReport);
        RunSummary summary;
        switch (lambdaEvent.Action)
        {
            case EventAction.Manage:
                var applied = await engine.ApplyAsync(desired, Execution(), dryRun, cancellationToken);
                summary = RunSummary.From(dryRun ? "manage (dry run)" : "manage", applied, desired);
                Applied(_logger, applied.StatementsExecuted, applied.Committed, desired.Database);
                break;
            case EventAction.Plan:
                var planned = await engine.PlanAsync(desired, cancellationToken);
                summary = RunSummary.From("plan", planned, desired);
                Planned(_logger, planned.Plan.Changes.Length, desired.Database);
                break;
            default:
                var (plan, check) = await engine.CheckAsync(desired, new RdsIamLoginCredentials(_environment, _services.Time), settings, cancellationToken);
                summary = RunSummary.FromCheck(plan, check, desired);
                Checked(_logger, check.Assertions.Count, check.Failures.Count(), desired.Database);
                break;
        }
        foreach (var change in summary.Changes) ChangeListed(_logger, change.Description);
        return JsonSerializer.SerializeToUtf8Bytes(summary, ReportJson.Default.RunSummary);
    }

    private async Task<ConnectionSettings> WithMasterPasswordAsync(ConnectionSettings settings, Invocation invocation, CancellationToken cancellationToken)
    {
        // Leave a little time to report: never wait for the database past the invocation's deadline.
        var remaining = invocation.Deadline - _services.Time.GetUtcNow() - TimeSpan.FromSeconds(3);
        settings = settings with { ConnectTimeout = remaining < TimeSpan.FromSeconds(15) ? TimeSpan.FromSeconds(Math.Max(1, remaining.TotalSeconds)) : TimeSpan.FromSeconds(15) };
        if (settings.Password is not null || _secrets is null)
        {
            if (settings.Password is { } given) _services.Redactor.Register(given);
            return settings;
        }
        string secretId = _environment("DB_PASSWORD_SECRET_ARN")!;
        var master = MasterCredentials.Parse(await _secrets.GetSecretValueAsync(secretId, cancellationToken), secretId);
        _services.Redactor.Register(master.Password);
        return settings with
        {
            Password = master.Password,
            Username = NonEmpty(_environment("DB_USER")) ?? NonEmpty(_environment("PGUSER")) ?? master.Username,
        };
    }

    private ExecutionOptions Execution() =>
        int.TryParse(_environment(LockTimeoutVariable), out int seconds) && seconds > 0
            ? ExecutionOptions.Default with { LockTimeout = TimeSpan.FromSeconds(seconds) }
            : ExecutionOptions.Default;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [LoggerMessage(100, LogLevel.Information, "Event accepted: {action} (dryRun {dryRun})")]
    private static partial void EventAccepted(ILogger logger, string action, bool dryRun);

    [LoggerMessage(101, LogLevel.Information, "Applied {statements} statements to {database} (committed: {committed})")]
    private static partial void Applied(ILogger logger, int statements, bool committed, string database);

    [LoggerMessage(102, LogLevel.Information, "Planned {changes} changes for {database}")]
    private static partial void Planned(ILogger logger, int changes, string database);

    [LoggerMessage(103, LogLevel.Information, "Checked {database}: {assertions} assertions, {failures} failed")]
    private static partial void Checked(ILogger logger, int assertions, int failures, string database);

    [LoggerMessage(104, LogLevel.Information, "Change: {description}")]
    private static partial void ChangeListed(ILogger logger, string description);
}
