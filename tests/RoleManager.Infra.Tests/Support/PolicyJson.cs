using System.Text.Json.Nodes;

namespace RoleManager.Infra.Tests.Support;

/// <summary>Reading IAM, bucket and topic policy documents as AWS returns them (one statement or many, one string or many).</summary>
public static class PolicyJson
{
    /// <summary>A policy document as JSON, whether the CLI decoded it already, left it URL-encoded, or returned it as a string.</summary>
    public static JsonObject Document(JsonNode node) => node is JsonValue value
        ? JsonNode.Parse(Uri.UnescapeDataString(value.ToString()))!.AsObject()
        : node.AsObject();

    public static List<JsonNode> Statements(JsonObject policy) => policy["Statement"] switch
    {
        JsonArray array => array.Select(s => s!).ToList(),
        JsonNode single => [single],
        null => [],
    };

    public static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(a => a!.ToString()).ToList(),
        JsonNode single => [single.ToString()],
        null => [],
    };

    public static JsonNode Statement(JsonObject policy, string sid) =>
        Statements(policy).SingleOrDefault(s => s["Sid"]?.ToString() == sid)
        ?? throw new InvalidOperationException($"no statement {sid} in {policy.ToJsonString()}");
}
