using System.Text.Json.Serialization;

namespace RoleManager.Check;

/// <summary>One thing the check proved or failed to prove, e.g. role "app", "cannot create in schema app".</summary>
public sealed record Assertion(string Role, string Name, bool Passed, string Detail)
{
    /// <summary>
    /// Neither proven nor disproven: the probe succeeded but proves nothing (a password login where the server lets any
    /// value in). Not a pass: the check does not pass while anything is unproven.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Unproven { get; init; }

    /// <summary>The result column: pass, FAIL, or UNPROVEN.</summary>
    [JsonIgnore]
    public string Outcome => Passed ? "pass" : Unproven ? "UNPROVEN" : "FAIL";
}

/// <summary>All assertions of one check; it passes only when every assertion passes (an unproven one does not).</summary>
public sealed record CheckResult(IReadOnlyList<Assertion> Assertions, TimeSpan Elapsed)
{
    public bool Passed => Assertions.Count > 0 && Assertions.All(a => a.Passed);

    public IEnumerable<Assertion> Failures => Assertions.Where(a => !a.Passed);
}
