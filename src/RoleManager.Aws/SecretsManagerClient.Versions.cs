using System.Text.Json;
using RoleManager.Aws.Internal;

namespace RoleManager.Aws;

/// <summary>
/// The calls that read a secret's versions without its value and write new versions: what role passwords
/// and the rotation protocol need (DescribeSecret, GetRandomPassword, PutSecretValue, UpdateSecretVersionStage).
/// </summary>
public sealed partial class SecretsManagerClient
{
    /// <summary>Every call this client made, by operation.</summary>
    public SecretsManagerCalls Calls { get; } = new();

    public async Task<SecretDescription> DescribeSecretAsync(string secretId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        Calls.Count("DescribeSecret");
        var answer = await CallAsync("DescribeSecret", secretId,
            JsonSerializer.SerializeToUtf8Bytes(new SecretIdRequest { SecretId = secretId }, AwsJsonContext.Default.SecretIdRequest),
            AwsJsonContext.Default.DescribeSecretResponse, cancellationToken).ConfigureAwait(false);
        var stages = (answer.VersionIdsToStages ?? new Dictionary<string, string[]>())
            .ToDictionary(v => v.Key, v => (IReadOnlyList<string>)v.Value, StringComparer.Ordinal);
        return new SecretDescription(answer.ARN ?? secretId, answer.Name ?? secretId, stages) { RotationEnabled = answer.RotationEnabled == true };
    }

    /// <summary>A random password from Secrets Manager; characters that break connection strings and shells are left out.</summary>
    public async Task<Secret> GetRandomPasswordAsync(int length, string excludeCharacters, CancellationToken cancellationToken)
    {
        Calls.Count("GetRandomPassword");
        var request = new GetRandomPasswordRequest { PasswordLength = length, ExcludeCharacters = excludeCharacters, RequireEachIncludedType = true };
        var answer = await CallAsync("GetRandomPassword", "(none)",
            JsonSerializer.SerializeToUtf8Bytes(request, AwsJsonContext.Default.GetRandomPasswordRequest),
            AwsJsonContext.Default.GetRandomPasswordResponse, cancellationToken).ConfigureAwait(false);
        return answer.RandomPassword is { Length: > 0 } password
            ? new Secret(password)
            : throw new Errors.AwsException($"Secrets Manager at {Endpoint} answered GetRandomPassword without a password: check AWS_ENDPOINT_URL_SECRETS_MANAGER.");
    }

    /// <summary>
    /// Stores <paramref name="value"/> as version <paramref name="clientRequestToken"/> with the given labels.
    /// Idempotent per token: the same token and value again is accepted by Secrets Manager and changes nothing.
    /// </summary>
    public async Task PutSecretValueAsync(string secretId, string clientRequestToken, Secret value, IReadOnlyList<string> stages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientRequestToken);
        Calls.Count("PutSecretValue");
        var request = new PutSecretValueRequest { SecretId = secretId, ClientRequestToken = clientRequestToken, SecretString = value.Reveal(), VersionStages = [.. stages] };
        await CallAsync("PutSecretValue", secretId,
            JsonSerializer.SerializeToUtf8Bytes(request, AwsJsonContext.Default.PutSecretValueRequest),
            AwsJsonContext.Default.IgnoredResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves label <paramref name="stage"/> to <paramref name="moveTo"/> (from <paramref name="removeFrom"/>, required when another version holds it).</summary>
    public async Task UpdateSecretVersionStageAsync(string secretId, string stage, string? moveTo, string? removeFrom, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        Calls.Count("UpdateSecretVersionStage");
        var request = new UpdateSecretVersionStageRequest { SecretId = secretId, VersionStage = stage, MoveToVersionId = moveTo, RemoveFromVersionId = removeFrom };
        await CallAsync("UpdateSecretVersionStage", secretId,
            JsonSerializer.SerializeToUtf8Bytes(request, AwsJsonContext.Default.UpdateSecretVersionStageRequest),
            AwsJsonContext.Default.IgnoredResponse, cancellationToken).ConfigureAwait(false);
    }
}
