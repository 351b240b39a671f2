namespace RoleManager.Reliability.Tests.Support;

/// <summary>Forwards to the one repository-root finder in RoleManager.Testing (kept so existing tests compile).</summary>
public static class Repository
{
    public static string Root => Testing.RepositoryRoot.Path;
}
