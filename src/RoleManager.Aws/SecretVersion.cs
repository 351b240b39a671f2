namespace RoleManager.Aws;

/// <summary>One version of a secret: its id, its staging labels (AWSCURRENT, AWSPENDING, ...) and its value.</summary>
public sealed record SecretVersion(string VersionId, IReadOnlyList<string> Stages, Secret Value)
{
    public bool HasStage(string stage) => Stages.Contains(stage, StringComparer.Ordinal);
}
