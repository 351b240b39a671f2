namespace RoleManager.Model;

/// <summary>
/// One direct membership of a role in <paramref name="Group"/>. <paramref name="Revocable"/>: the master user may
/// revoke it (a superuser's grant of a predefined role on PostgreSQL 16+ is not).
/// </summary>
public sealed record Membership(string Group, bool AdminOption, bool Revocable)
{
    /// <summary>Who granted it (<c>pg_auth_members.grantor</c>); null when unknown. From 16 a REVOKE must name it (GRANTED BY).</summary>
    public string? Grantor { get; init; }

    /// <summary><c>pg_auth_members.inherit_option</c> (16+); null before 16, where the member's INHERIT attribute decides.</summary>
    public bool? InheritOption { get; init; }

    /// <summary><c>pg_auth_members.set_option</c> (16+); null before 16, where every member may SET ROLE.</summary>
    public bool? SetOption { get; init; }
}

/// <summary>
/// The options of a declared membership (<c>member_of: [{ role, inherit, set, admin }]</c>). The plain form
/// (<c>member_of: [group]</c>) is <see cref="Plain"/>: the member uses the group's privileges and may SET ROLE to it,
/// and may not grant it to others. INHERIT and SET are per membership from PostgreSQL 16; ADMIN on every major.
/// </summary>
public sealed record MembershipOptions(bool Inherit = true, bool Set = true, bool Admin = false)
{
    public static readonly MembershipOptions Plain = new();

    public bool IsPlain => this == Plain;

    /// <summary>"INHERIT FALSE, SET FALSE, ADMIN TRUE": the options as a GRANT ... WITH writes them, for messages.</summary>
    public override string ToString() =>
        $"INHERIT {(Inherit ? "TRUE" : "FALSE")}, SET {(Set ? "TRUE" : "FALSE")}, ADMIN {(Admin ? "TRUE" : "FALSE")}";
}
