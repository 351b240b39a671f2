namespace RoleManager.Testing;

/// <summary>The repository root, found by walking up from the test assembly to the folder holding RoleManager.sln (the one finder all test projects use).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "RoleManager.sln"))) return dir.FullName;
        throw new InvalidOperationException("RoleManager.sln not found above " + AppContext.BaseDirectory);
    }
}
