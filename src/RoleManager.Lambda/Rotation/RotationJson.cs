using System.Text.Json.Serialization;

namespace RoleManager.Lambda.Rotation;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RotationOutcome))]
internal sealed partial class RotationJson : JsonSerializerContext;
