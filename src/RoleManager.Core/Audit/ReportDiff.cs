using System.Collections.Immutable;

namespace RoleManager.Audit;

/// <summary>What changed between two reports: access gained and lost (per role, privilege and object), access whose
/// path changed, and roles added, removed or changed (kind, login method, attributes, memberships).</summary>
public sealed record ReportDiff(DateTimeOffset OldGeneratedAt, DateTimeOffset NewGeneratedAt, ImmutableArray<DiffLine> Gained,
    ImmutableArray<DiffLine> Lost, ImmutableArray<DiffLine> PathChanged, ImmutableArray<string> RoleChanges)
{
    public bool IsEmpty => Gained.IsEmpty && Lost.IsEmpty && PathChanged.IsEmpty && RoleChanges.IsEmpty;

    /// <summary>The superusers of either report: they can do everything, so a person reads their lines last.</summary>
    public ImmutableArray<string> Superusers { get; init; } = [];
}

/// <param name="On">e.g. "table in app", "future tables created by migrator in schema app", "database appdb".</param>
/// <param name="Names">The objects, for tables, sequences, routines and columns.</param>
/// <param name="Paths">The paths in the newer report (for lost access: in the older one).</param>
public sealed record DiffLine(string Role, string Privilege, string On, ImmutableArray<string> Names, ImmutableArray<string> Paths,
    ImmutableArray<string> OldPaths);
