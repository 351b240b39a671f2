using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RoleManager.Aws;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Passwords;
using RoleManager.UseCases;

namespace RoleManager.Lambda.Rotation;

/// <summary>What one rotation step did, for the function's answer and log.</summary>
public sealed record RotationOutcome(string Step, string SecretId, string Role, string Result);

/// <summary>
/// The rotation protocol for the password secret of a declared role (single-user strategy: the role's own password
/// changes). Every step is idempotent, so Secrets Manager's retries and an interrupted rotation's next attempt
/// (same token, still AWSPENDING) complete it: createSecret keeps an existing AWSPENDING value, setSecret sets the
/// same password again, finishSecret does nothing once the token is AWSCURRENT. No step acts on a token Secrets Manager
/// did not stage, or on a secret whose rotation is not enabled (<see cref="StagedToken"/>).
/// </summary>
public sealed class SecretRotation(SecretsManagerClient secrets, IConnectionFactory connections, DesiredState desired, ExecutionOptions options,
    Action<Secret>? revealed = null, ILogger? logger = null)
{
    // The database side is the engine's use case: the same transaction owner, lock, executor and log as every run.
    private readonly PasswordRotation _database = new(connections, options, logger ?? NullLogger.Instance);

    /// <summary>Characters left out of generated passwords: quotes, backslash, '/', '@', ':' and spaces break URLs, shells and libpq strings.</summary>
    public const string ExcludedCharacters = "\"'\\/@:;`$ %{}";
    public const int PasswordLength = 32;

    /// <summary>
    /// Where testSecret logs in as the role: with a cluster config, a database whose part gives it CONNECT (the master's
    /// <c>connections</c> may be one it cannot enter); null: <c>connections</c>.
    /// </summary>
    public Func<string, IConnectionFactory>? LoginsFor { get; init; }

    public async Task<RotationOutcome> RunAsync(RotationEvent rotation, CancellationToken cancellationToken)
    {
        var description = await secrets.DescribeSecretAsync(rotation.SecretId, cancellationToken);
        var role = desired.PresentRoles.FirstOrDefault(r => r.Auth == AuthMode.Password
                       && r.PasswordSource is { Origin: PasswordOrigin.Secret } source && description.IsNamedBy(source.Reference))
                   ?? throw new RotationRefusedException(
                       $"Secret {description.Name} is not the password_secret of any declared role, so this function will not rotate it. " +
                       "Declare the role with 'password_secret' in the layout, or point the secret's rotation at another function.");
        string token = rotation.ClientRequestToken;
        RotationOutcome Done(string result) => new(rotation.StepName, description.Arn, role.Name, result);

        if (StagedToken.Check(rotation, description) is { } nothingToDo)
            return Done(nothingToDo);

        switch (rotation.Step)
        {
            case RotationStep.CreateSecret:
                return Done(await CreateAsync(description, token, cancellationToken));
            case RotationStep.SetSecret:
                await SetAsync(role, description, await PendingPasswordAsync(description, token, cancellationToken), token, cancellationToken);
                return Done($"set the AWSPENDING password on role {role.Name} and recorded version {token}");
            case RotationStep.TestSecret:
                await _database.ProveLoginAsync(role.Name, await PendingPasswordAsync(description, token, cancellationToken), cancellationToken,
                    LoginsFor?.Invoke(role.Name));
                return Done($"role {role.Name} logs in with the AWSPENDING password");
            default:
                string? current = description.VersionWith(SecretDescription.Current);
                await secrets.UpdateSecretVersionStageAsync(description.Arn, SecretDescription.Current, token, current, cancellationToken);
                return Done($"moved AWSCURRENT from version {current} to {token}");
        }
    }

    private async Task<string> CreateAsync(SecretDescription description, string token, CancellationToken cancellationToken)
    {
        if (await secrets.TryGetSecretVersionAsync(description.Arn, token, SecretDescription.Pending, cancellationToken) is not null)
            return $"version {token} already holds an AWSPENDING value: kept";
        var current = await secrets.GetSecretVersionAsync(description.Arn, null, SecretDescription.Current, cancellationToken);
        var password = await secrets.GetRandomPasswordAsync(PasswordLength, ExcludedCharacters, cancellationToken);
        revealed?.Invoke(password);
        await secrets.PutSecretValueAsync(description.Arn, token, RolePasswordDocument.WithPassword(current.Value, password), [SecretDescription.Pending], cancellationToken);
        return $"generated a password into version {token} (AWSPENDING)";
    }

    private async Task<Secret> PendingPasswordAsync(SecretDescription description, string token, CancellationToken cancellationToken)
    {
        var pending = await secrets.GetSecretVersionAsync(description.Arn, token, SecretDescription.Pending, cancellationToken);
        var password = RolePasswordDocument.Password(pending.Value, description.Name);
        revealed?.Invoke(password);
        return password;
    }

    /// <summary>The new password and its version marker, in one transaction under the advisory lock every run takes.</summary>
    private async Task SetAsync(RoleSpec role, SecretDescription description, Secret password, string token, CancellationToken cancellationToken)
    {
        if (!await _database.SetAsync(role.Name, password, $"set password of role {role.Name} from the AWSPENDING version of secret {description.Name}",
                token, $"secret {role.PasswordSource!.Reference}", cancellationToken))
            throw new RotationRefusedException(
                $"Role {role.Name} does not exist yet, so its password cannot be rotated: invoke the function with \"manage\" first, then rotate again.");
    }
}
