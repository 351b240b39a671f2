using System.Text.Json.Serialization;

namespace RoleManager.Aws.Internal;

internal sealed class GetSecretValueRequest
{
    public required string SecretId { get; init; }
}

internal sealed class GetSecretValueResponse
{
    public string? ARN { get; init; }
    public string? Name { get; init; }
    public string? SecretString { get; init; }
    public string? SecretBinary { get; init; }
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
[JsonSerializable(typeof(MasterSecretDocument))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
