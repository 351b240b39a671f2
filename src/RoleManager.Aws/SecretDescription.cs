namespace RoleManager.Aws;

/// <summary>What <c>DescribeSecret</c> tells without reading the value: the secret's ARN, name and which version holds which label.</summary>
public sealed record SecretDescription(string Arn, string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> VersionStages)
{
    public const string Current = "AWSCURRENT";
    public const string Pending = "AWSPENDING";
    public const string Previous = "AWSPREVIOUS";

    /// <summary>The id of the version that holds <paramref name="stage"/>, or null.</summary>
    public string? VersionWith(string stage) =>
        VersionStages.FirstOrDefault(v => v.Value.Contains(stage, StringComparer.Ordinal)).Key;

    public bool HasVersion(string versionId) => VersionStages.ContainsKey(versionId);

    /// <summary>True when <paramref name="secretId"/> (an ARN or a name) names this secret.</summary>
    public bool IsNamedBy(string secretId) =>
        string.Equals(secretId, Arn, StringComparison.Ordinal) || string.Equals(secretId, Name, StringComparison.Ordinal);
}
