using System.Text.Json;
using Microsoft.Extensions.Logging;
using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Lambda.Runtime;

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
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(), environment);
        var desired = LayoutSource.Resolve(new LayoutInputs(ConfigText: NonEmpty(environment("ROLE_MANAGER_CONFIG"))), environment, settings.Database);
        var client = SecretsManagerClient.FromEnvironment(Http.Value, AwsEnvironment.From(environment), services.Time);

        var remaining = invocation.Deadline - services.Time.GetUtcNow() - TimeSpan.FromSeconds(3);
        settings = settings with { ConnectTimeout = TimeSpan.FromSeconds(Math.Clamp(remaining.TotalSeconds, 1, 15)) };
        if (settings.Password is null && NonEmpty(environment("DB_PASSWORD_SECRET_ARN")) is { } masterSecret)
        {
            var master = MasterCredentials.Parse(await client.GetSecretValueAsync(masterSecret, cancellationToken), masterSecret);
            services.Redactor.Register(master.Password);
            settings = settings with { Password = master.Password, Username = NonEmpty(environment("DB_USER")) ?? NonEmpty(environment("PGUSER")) ?? master.Username };
        }
        else if (settings.Password is { } given)
        {
            services.Redactor.Register(given);
        }

        var rotationStep = new SecretRotation(client, new NpgsqlConnectionFactory(settings, "role-manager-rotation"), desired,
            ExecutionOptions.Default, services.Redactor.Register);
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
