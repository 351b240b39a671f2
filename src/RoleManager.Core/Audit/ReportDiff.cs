using System.Collections.Immutable;

namespace RoleManager.Audit;

/// <summary>What changed between two reports: access gained and lost (per role, privilege and object), roles added,
/// removed or changed (attributes, login method, memberships).</summary>
public sealed record ReportDiff(string OldGeneratedAt, string NewGeneratedAt, ImmutableArray<DiffLine> Gained, ImmutableArray<DiffLine> Lost,
    ImmutableArray<string> RoleChanges)
{
    public bool IsEmpty => Gained.IsEmpty && Lost.IsEmpty && RoleChanges.IsEmpty;
}

/// <param name="Target">e.g. "table app.orders", "future tables created by migrator in schema app".</param>
public sealed record DiffLine(string Role, string Privilege, string Target, string Path);
