namespace RoleManager.Aws;

/// <summary>
/// What <c>DescribeSecret</c> tells without reading the value: the secret's ARN, name, which version holds which label,
/// and whether rotation is enabled.
/// </summary>
public sealed record SecretDescription(string Arn, string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> VersionStages)
{
    /// <summary>False when the secret has no rotation configured (or it was cancelled): then no rotation step may act on it.</summary>
    public bool RotationEnabled { get; init; }

    /// <summary>The labels of version <paramref name="versionId"/>; empty when the secret has no such version.</summary>
    public IReadOnlyList<string> StagesOf(string versionId) => VersionStages.TryGetValue(versionId, out var stages) ? stages : [];

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
