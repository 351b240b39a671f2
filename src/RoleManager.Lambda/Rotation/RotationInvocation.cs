using System.Text.Json;
using Microsoft.Extensions.Logging;
using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Lambda.Runtime;
using RoleManager.Model;
using RoleManager.UseCases;

namespace RoleManager.Lambda.Rotation;

/// <summary>
/// The function's answer to a Secrets Manager rotation event: the layout and the master connection as for
/// "manage" (ROLE_MANAGER_CONFIG, DB_*, DB_PASSWORD_SECRET_ARN), then one <see cref="SecretRotation"/> step.
/// Every secret read is registered with the log redactor before it can reach a log line.
/// </summary>
public sealed partial class RotationInvocation(HostServices services, Func<string, string?> environment)
{
    private static readonly Lazy<HttpClient> Http = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(10) });
    private readonly ILogger _logger = services.Logs.CreateLogger("RoleManager.Lambda.Rotation");

    public async Task<ReadOnlyMemory<byte>> HandleAsync(RotationEvent rotation, Invocation invocation, CancellationToken cancellationToken)
    {
        RotationAccepted(_logger, rotation.StepName, rotation.SecretId);
        var client = SecretsManagerClient.FromEnvironment(Http.Value, AwsEnvironment.From(environment), services.Time);
        // The layout and the master login exactly as for "manage": one resolution, the Lambda's policy, the master secret.
        var remaining = invocation.TimeLeftToWait(services.Time);
        var request = new RunRequest(RunAction.Inspect, false, new LayoutInputs(ConfigText: NonEmpty(environment("ROLE_MANAGER_CONFIG"))),
            new ConnectionInputs(), environment, ExecutionOptions.Default, MasterSecret.FromEnvironment(environment, services.Time))
        {
            Host = HostKind.Lambda,
            ApplicationName = "role-manager-rotation",
            ConnectTimeout = TimeSpan.FromSeconds(Math.Clamp(remaining.TotalSeconds, 1, 15)),
            SecretRead = services.Redactor.Register,
        };
        // Passwords are cluster-wide: with a cluster config the master sets one in any database (the first), but the
        // testSecret login needs a database the role may connect to (one whose part of the config gives it CONNECT).
        var databases = await new RoleManagerRun(_logger).ConnectAllAsync(request, cancellationToken);
        var (desired, connections) = databases[0];
        IConnectionFactory LoginsFor(string role) =>
            databases.FirstOrDefault(d => d.Desired.GivesConnect(role)).Connections
            ?? connections;

        var rotationStep = new SecretRotation(client, connections, desired,
            ExecutionOptions.Default, services.Redactor.Register, _logger) { LoginsFor = LoginsFor };
        var outcome = await rotationStep.RunAsync(rotation, cancellationToken);
        RotationDone(_logger, outcome.Step, outcome.Role, outcome.Result);
        return JsonSerializer.SerializeToUtf8Bytes(outcome, RotationJson.Default.RotationOutcome);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [LoggerMessage(200, LogLevel.Information, "Rotation event accepted: {step} for secret {secretId}")]
    private static partial void RotationAccepted(ILogger logger, string step, string secretId);

    [LoggerMessage(201, LogLevel.Information, "Rotation {step} of role {role}: {result}")]
    private static partial void RotationDone(ILogger logger, string step, string role, string result);
}
