using System.Text.Json;
using Amazon.Runtime;

namespace RoleManager.Aws.Tests.Support;

/// <summary>botocore's outputs in TestData/rds-token-vectors.json (made by make-rds-token-vectors.py).</summary>
internal static class Vectors
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "rds-token-vectors.json"))));

    public static IReadOnlyList<JsonElement> Tokens => [.. Document.Value.RootElement.GetProperty("tokens").EnumerateArray()];

    public static IReadOnlyList<JsonElement> HeaderSigning => [.. Document.Value.RootElement.GetProperty("headerSigning").EnumerateArray()];

    public static ImmutableCredentials Credentials(JsonElement vector)
        => new(vector.GetProperty("accessKeyId").GetString(), vector.GetProperty("secretAccessKey").GetString(), vector.GetProperty("sessionToken").GetString());

    public static DateTimeOffset Now(JsonElement vector) => DateTimeOffset.Parse(vector.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    public static string Text(this JsonElement vector, string name) => vector.GetProperty(name).GetString()!;
}
