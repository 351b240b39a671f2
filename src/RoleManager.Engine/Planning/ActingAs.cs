namespace RoleManager.Planning;

/// <summary>How the master user comes to act for a role during one transaction, leaving its memberships as they were.</summary>
internal enum ActingAsKind
{
    /// <summary>It already holds the role's privileges and may SET ROLE to it: nothing to grant.</summary>
    Already,
    /// <summary>It has no membership of its own: grant one, and revoke exactly that at the end.</summary>
    GrantThenRevoke,
    /// <summary>
    /// PostgreSQL 16+: a membership granted by the master exists with fewer options (ADMIN only, or what
    /// <c>createrole_self_grant</c> gave): raise its options, then put back the ones it had (a REVOKE would delete it).
    /// </summary>
    GrantThenRestore,
}

/// <param name="Inherit">For <see cref="ActingAsKind.GrantThenRestore"/>: the INHERIT option to put back.</param>
/// <param name="Set">For <see cref="ActingAsKind.GrantThenRestore"/>: the SET option to put back.</param>
internal sealed record ActingAs(ActingAsKind Kind, bool Inherit = false, bool Set = false)
{
    public static readonly ActingAs Already = new(ActingAsKind.Already);
    public static readonly ActingAs GrantThenRevoke = new(ActingAsKind.GrantThenRevoke);
}
