namespace RoleManager.Model;

/// <summary>
/// One direct membership of a role in <paramref name="Group"/>. <paramref name="Revocable"/>: the master user may
/// revoke it (a superuser's grant of a predefined role on PostgreSQL 16+ is not).
/// </summary>
public sealed record Membership(string Group, bool AdminOption, bool Revocable)
{
    /// <summary>Who granted it (<c>pg_auth_members.grantor</c>); null when unknown. From 16 a REVOKE must name it (GRANTED BY).</summary>
    public string? Grantor { get; init; }
}
