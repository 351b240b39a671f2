using System.Collections.Immutable;

namespace RoleManager.Audit;

/// <summary>
/// The effective-privilege report: who can do what in the database, and through which path. Its JSON form
/// (<see cref="AuditJson"/>) is a stable, documented shape (docs/report.md); <see cref="FormatVersion"/>
/// changes only when a field changes meaning or disappears.
/// </summary>
public sealed record AuditReport(
    int FormatVersion,
    DateTimeOffset GeneratedAt,
    ReportServer Server,
    ImmutableArray<ReportRole> Roles,
    ImmutableArray<ReportSchema> Schemas,
    ImmutableArray<AccessEntry> Access,
    ImmutableArray<ReportFinding> Findings)
{
    public const int CurrentFormatVersion = 1;

    /// <summary>
    /// What a reviewer should know but nobody should "fix": the master's own memberships that Amazon RDS gives it
    /// (rds_superuser) and that RoleManager never changes. Not findings, so never red and never a REVOKE to run.
    /// Added to format 1 (an older report reads as none).
    /// </summary>
    public ImmutableArray<ReportNote> Notes { get; init; } = [];
}

public sealed record ReportServer(string Version, int VersionNum, string Database, string DatabaseOwner, string ConnectedAs,
    bool ConnectedAsSuperuser, bool Rds);

/// <param name="Kind">login, group, predefined (pg_*), rds (rds_*, rdsadmin) or public.</param>
/// <param name="Login">iam (member of rds_iam), password-or-other (a login role not in rds_iam: whether a password is set is
/// readable by superusers only), or none (cannot log in).</param>
public sealed record ReportRole(string Name, string Kind, bool Declared, string Login, ImmutableArray<string> Attributes,
    int ConnectionLimit, bool CanConnect, ImmutableArray<ReportMembership> MemberOf);

/// <param name="Implicit">true for the database owner's implicit membership in pg_database_owner.</param>
public sealed record ReportMembership(string Role, bool Inherit, bool Set, bool Admin, bool Implicit);

/// <param name="DeclaredOwner">The owner the layout declares for the schema, if the schema is declared.</param>
public sealed record ReportSchema(string Name, string Owner, string? DeclaredOwner, ImmutableArray<string> Tables,
    ImmutableArray<string> Sequences, ImmutableArray<string> Routines);

/// <summary>
/// One thing a role can do: the privileges, on what, through which path. <see cref="NeedsSetRole"/> is true when
/// the path has a membership without INHERIT: the role can act only after <c>SET ROLE</c>, and PostgreSQL's
/// <c>has_*_privilege</c> functions answer false. Entries of PUBLIC apply to every role and are not repeated.
/// </summary>
public sealed record AccessEntry(string Role, ImmutableArray<string> Privileges, ImmutableArray<string> Actions, bool Grantable,
    bool NeedsSetRole, AccessTarget On, AccessPath Path);

/// <param name="Kind">database, schema, table, sequence, routine or column.</param>
/// <param name="All">Every object of the kind in the schema (then <see cref="Names"/> is empty and
/// <see cref="Count"/> is the schema's count).</param>
/// <param name="Future">Objects not yet created: those <see cref="CreatedBy"/> will create in the schema.</param>
public sealed record AccessTarget(string Kind, string? Schema, bool All, int Count, ImmutableArray<string> Names, bool Future,
    string? CreatedBy);

/// <param name="Via">superuser, direct, membership, public, ownership, predefined or default-privileges.</param>
/// <param name="Chain">The roles from the subject to the grantee (or owner, or predefined role), subject first.</param>
/// <param name="DefaultsScope">For default-privileges: global or schema.</param>
public sealed record AccessPath(string Via, ImmutableArray<string> Chain, string Text, string? DefaultsOf = null, string? DefaultsScope = null);

/// <param name="Kind">master-membership (the connected master's, or an rds role's, own inherited predefined role).</param>
public sealed record ReportNote(string Kind, string Subject, string Text);

/// <param name="Kind">write-everything, public-privilege, createrole, unexpected-owner, password-not-iam, superuser-membership.</param>
public sealed record ReportFinding(string Kind, string Subject, string Problem, string FixSql);
