namespace RoleManager.Reliability.Tests.Support;

/// <summary>The repository root, found by walking up from the test assembly to the folder holding RoleManager.sln.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RoleManager.sln"))) return dir.FullName;
        throw new InvalidOperationException("RoleManager.sln not found above " + AppContext.BaseDirectory);
    }
}
