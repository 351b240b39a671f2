namespace RoleManager.Infra.Tests.Support;

/// <summary>
/// Tests that build the program themselves (bin/release, bin/demo) run one at a time: two <c>dotnet build</c>s of the
/// same projects at once race on their shared obj/ folders (the restore's project.assets.json first).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SerialBuilds
{
    public const string Name = "builds the program";
}
