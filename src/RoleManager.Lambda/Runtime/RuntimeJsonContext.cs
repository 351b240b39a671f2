using System.Text.Json.Serialization;

namespace RoleManager.Lambda.Runtime;

/// <summary>Source-generated JSON for the Runtime API bodies (AOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LambdaError))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
