using System.Text.Json.Serialization;

namespace RoleManager.Aws.Internal;

internal sealed class GetSecretValueRequest
{
    public required string SecretId { get; init; }
    public string? VersionId { get; init; }
    public string? VersionStage { get; init; }
}

internal sealed class GetSecretValueResponse
{
    public string? ARN { get; init; }
    public string? Name { get; init; }
    public string? VersionId { get; init; }
    public string[]? VersionStages { get; init; }
    public string? SecretString { get; init; }
    public string? SecretBinary { get; init; }
}

internal sealed class SecretIdRequest
{
    public required string SecretId { get; init; }
}

internal sealed class DescribeSecretResponse
{
    public string? ARN { get; init; }
    public string? Name { get; init; }
    public Dictionary<string, string[]>? VersionIdsToStages { get; init; }
    public bool? RotationEnabled { get; init; }
}

internal sealed class GetRandomPasswordRequest
{
    public long PasswordLength { get; init; }
    public string? ExcludeCharacters { get; init; }
    public bool RequireEachIncludedType { get; init; }
}

internal sealed class GetRandomPasswordResponse
{
    public string? RandomPassword { get; init; }
}

internal sealed class PutSecretValueRequest
{
    public required string SecretId { get; init; }
    public required string ClientRequestToken { get; init; }
    public required string SecretString { get; init; }
    public required string[] VersionStages { get; init; }
}

internal sealed class UpdateSecretVersionStageRequest
{
    public required string SecretId { get; init; }
    public required string VersionStage { get; init; }
    public string? MoveToVersionId { get; init; }
    public string? RemoveFromVersionId { get; init; }
}

/// <summary>Answers whose fields we do not need (PutSecretValue, UpdateSecretVersionStage).</summary>
internal sealed class IgnoredResponse
{
    public string? ARN { get; init; }
}

/// <summary>A JSON-protocol error body: <c>{"__type": "...#ResourceNotFoundException", "message": "..."}</c>.</summary>
internal sealed class AwsErrorBody
{
    [JsonPropertyName("__type")]
    public string? Type { get; init; }

    public string? Message { get; init; }
}

/// <summary>The JSON RDS keeps in a master-user secret; other keys (engine, host, ...) are ignored.</summary>
internal sealed class MasterSecretDocument
{
    public string? Username { get; init; }
    public string? Password { get; init; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(GetSecretValueResponse))]
[JsonSerializable(typeof(AwsErrorBody))]
[JsonSerializable(typeof(SecretIdRequest))]
[JsonSerializable(typeof(DescribeSecretResponse))]
[JsonSerializable(typeof(GetRandomPasswordRequest))]
[JsonSerializable(typeof(GetRandomPasswordResponse))]
[JsonSerializable(typeof(PutSecretValueRequest))]
[JsonSerializable(typeof(UpdateSecretVersionStageRequest))]
[JsonSerializable(typeof(IgnoredResponse))]
[JsonSerializable(typeof(MasterSecretDocument))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
