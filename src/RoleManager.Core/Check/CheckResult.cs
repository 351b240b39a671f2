namespace RoleManager.Check;

/// <summary>One thing the check proved or failed to prove, e.g. role "app", "cannot create in schema app".</summary>
public sealed record Assertion(string Role, string Name, bool Passed, string Detail);

/// <summary>All assertions of one check; it passes only when every assertion passes.</summary>
public sealed record CheckResult(IReadOnlyList<Assertion> Assertions, TimeSpan Elapsed)
{
    public bool Passed => Assertions.Count > 0 && Assertions.All(a => a.Passed);

    public IEnumerable<Assertion> Failures => Assertions.Where(a => !a.Passed);
}
