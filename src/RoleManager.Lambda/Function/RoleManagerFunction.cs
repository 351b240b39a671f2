using System.Text.Json;
using Microsoft.Extensions.Logging;
using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Runtime;
using RoleManager.Reporting;
using RoleManager.UseCases;

namespace RoleManager.Lambda.Function;

/// <summary>
/// The RoleManager function: one event → one <see cref="RunRequest"/> → <see cref="RoleManagerRun"/> →
/// one JSON summary. Everything is validated before the database is contacted. The master secret source
/// lives as long as the process (warm starts reuse the value for at most <see cref="MasterSecret.MaxAge"/>,
/// and read it again when the server refuses it); every secret read is registered with the log redactor.
/// </summary>
public sealed partial class RoleManagerFunction : IInvocationHandler
{
    /// <summary>A full YAML/JSON layout config; without it the default layout is built from the DB_* / *_USER variables.</summary>
    public const string ConfigVariable = "ROLE_MANAGER_CONFIG";
    /// <summary>iam (default), password or none: the auth of login roles in the default layout.</summary>
    public const string AuthVariable = "ROLE_MANAGER_AUTH";
    /// <summary>Seconds (or 500ms, 10s, 1m) to wait for a lock; 0 waits without limit. An invalid value is a ConfigInvalid error.</summary>
    public const string LockTimeoutVariable = "ROLE_MANAGER_LOCK_TIMEOUT_SECONDS";

    private readonly HostServices _services;
    private readonly Func<string, string?> _environment;
    private readonly IMasterCredentialSource? _masterSecret;
    private readonly ILogger _logger;
    private readonly ILogger _engineLogger;
    private readonly EvidenceStep _evidence;

    private RoleManagerFunction(HostServices services, Func<string, string?> environment, IMasterCredentialSource? masterSecret)
    {
        _evidence = EvidenceStep.Create(services, environment);
        _services = services;
        _environment = environment;
        _masterSecret = masterSecret;
        _logger = services.Logs.CreateLogger("RoleManager.Lambda.Function");
        _engineLogger = services.Logs.CreateLogger(ExecutionLog.Category);
    }

    /// <summary>Creates the function once per process (Lambda's init phase); a throw here is an init error.</summary>
    public static IInvocationHandler Create(HostServices services) => Create(services, Environment.GetEnvironmentVariable);

    internal static IInvocationHandler Create(HostServices services, Func<string, string?> environment, IMasterCredentialSource? masterSecret = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // AWS keys are secrets too: whatever the SDK or an error echoes of them is masked in every log line and error payload.
        services.Redactor.RegisterVariables(environment, AwsEnvironment.SecretAccessKeyVariable, AwsEnvironment.SessionTokenVariable);
        if (!string.IsNullOrEmpty(environment(MasterSecret.Variable))) // only a function that reads a secret needs AWS at all
            Logging.Log.AwsEndpoint(services.Logs.CreateLogger("RoleManager.Aws"), AwsEnvironment.From(environment).SecretsManagerEndpointDescription);
        return new RoleManagerFunction(services, environment, masterSecret ?? MasterSecret.FromEnvironment(environment, services.Time));
    }

    public async Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        // The payload is parsed once: a rotation step (issue #15) or an action whose config the gate reads from the same parse.
        var parsed = EventParser.Read(invocation.Payload);
        if (parsed is Rotation.RotationEvent rotation)
            return await new Rotation.RotationInvocation(_services, _environment).HandleAsync(rotation, invocation, cancellationToken);
        var lambdaEvent = (LambdaEvent)parsed;
        bool dryRun = lambdaEvent.DryRun ?? false;
        EventAccepted(_logger, lambdaEvent.ActionName, dryRun);

        // The connection is resolved once: the gate needs the function's database, and the run uses the same settings.
        var connection = ConnectionResolver.Resolve(new ConnectionInputs(), _environment, host: HostKind.Lambda);
        // An event's own layout only when the deployment opted in, within the gate's limits, and never with the environment.
        string? eventConfig = EventConfigGate.Admit(lambdaEvent, _environment, connection.Database);

        if (lambdaEvent.Action == EventAction.Report) // issue #17: the audit report as JSON (docs/report.md); reads only
            return await ReportAsync(Request(RunAction.Inspect, false, eventConfig, connection, invocation) with { OnlyDatabase = lambdaEvent.Database }, cancellationToken);

        var action = lambdaEvent.Action switch
        {
            EventAction.Manage => RunAction.Apply,
            EventAction.Plan => RunAction.Plan,
            _ => RunAction.Check,
        };
        var request = Request(action, action == RunAction.Apply && dryRun, eventConfig, connection, invocation) with
        {
            LoginCredentials = new RdsIamLoginCredentials(_environment, _services.Time, _services.Redactor.Register),
            RolePasswordSecrets = RolePasswords.SecretsFrom(_environment, _services.Time),
        };
        var chosen = request with { OnlyDatabase = lambdaEvent.Database };
        // A check changes nothing: the reports its evidence holds are read while it runs.
        var reports = _evidence.WritesEvidence && action == RunAction.Check
            ? RoleManager.Evidence.EvidenceRecorder.StartReports(new RoleManagerRun(_engineLogger), chosen, _services.Time.GetUtcNow(), cancellationToken) : null;
        var run = await new RoleManagerRun(_engineLogger).RunClusterAsync(chosen, cancellationToken);
        // Issue #31: a compliance line per database that ran, and its evidence object when ROLE_MANAGER_EVIDENCE_BUCKET is set.
        foreach (var database in run.Databases)
            if (database.Report is { } ran)
            {
                var one = run.IsCluster ? chosen with { OnlyDatabase = database.Database } : chosen;
                await _evidence.RecordAsync(ran, ct => reports?.GetValueOrDefault(database.Database) ?? AuditAsync(one, ct), invocation, cancellationToken);
            }
        if (run.Single is { } report) return JsonSerializer.SerializeToUtf8Bytes(RunSummary.From(report), ReportJson.Readable.RunSummary);
        // A cluster config: every database's summary; a database that failed fails the invocation, naming what was committed.
        ClusterRunException.ThrowIfFailed(run);
        return JsonSerializer.SerializeToUtf8Bytes(ClusterSummary.From(run), ReportJson.Readable.ClusterSummary);
    }

    /// <summary>What every run of the function shares: the Lambda's policy, the connection resolved for the gate, the event's layout if admitted.</summary>
    private RunRequest Request(RunAction action, bool dryRun, string? eventConfig, ConnectionSettings connection, Invocation invocation) =>
        new(action, dryRun, Layout(eventConfig), new ConnectionInputs(), _environment, Execution(), _masterSecret)
        {
            Host = HostKind.Lambda,
            ResolvedConnection = connection,
            LayoutEnvironment = eventConfig is null ? null : EventConfigGate.NoEnvironment,
            ApplicationName = "role-manager-lambda",
            ConnectTimeout = ConnectTimeout(invocation),
            // A paused Aurora cluster resumes on the first attempt: keep trying for what is left of the invocation.
            ConnectPatience = invocation.TimeLeftToWait(_services.Time),
            SecretRead = _services.Redactor.Register,
        };

    private LayoutInputs Layout(string? eventConfig) => new(
        ConfigText: eventConfig ?? NonEmpty(_environment(ConfigVariable)),
        Auth: NonEmpty(_environment(AuthVariable)) is { } auth ? ConfigLoader.ParseAuth(auth) ?? throw new Errors.ConfigException($"{AuthVariable}='{auth}' is not valid: use iam, password or none.") : null);

    private async Task<ReadOnlyMemory<byte>> ReportAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var reports = new List<Audit.AuditReport>();
        foreach (var (desired, connections) in await new RoleManagerRun(_engineLogger).ConnectAllAsync(request, cancellationToken))
            reports.Add(await Audit.AuditReporter.ReportAsync(connections, Audit.DeclaredLayout.From(desired), _services.Time.GetUtcNow(), cancellationToken, request.Execution, _engineLogger));
        // A cluster config: every database's report in one document (the event's database chooses one).
        return reports.Count == 1 ? JsonSerializer.SerializeToUtf8Bytes(reports[0], Audit.AuditJson.Readable.AuditReport) : System.Text.Encoding.UTF8.GetBytes(AuditReports.Json(reports));
    }

    private Task<Audit.AuditReport> AuditAsync(RunRequest request, CancellationToken cancellationToken) =>
        RoleManager.Evidence.EvidenceRecorder.ReportAfterAsync(new RoleManagerRun(_engineLogger), request, _services.Time.GetUtcNow(), cancellationToken);

    // Leave a little time to report: never wait for the database past the invocation's deadline.
    private TimeSpan ConnectTimeout(Invocation invocation)
    {
        var remaining = invocation.TimeLeftToWait(_services.Time);
        return remaining < TimeSpan.FromSeconds(15) ? TimeSpan.FromSeconds(Math.Max(1, remaining.TotalSeconds)) : TimeSpan.FromSeconds(15);
    }

    private ExecutionOptions Execution() => NonEmpty(_environment(LockTimeoutVariable)) is { } text
        ? ExecutionOptions.Default with { LockTimeout = Durations.Parse(text, LockTimeoutVariable) }
        : ExecutionOptions.Default;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [LoggerMessage(100, LogLevel.Information, "Event accepted: {action} (dryRun {dryRun})")]
    private static partial void EventAccepted(ILogger logger, string action, bool dryRun);
}
