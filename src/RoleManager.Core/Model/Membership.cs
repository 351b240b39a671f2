namespace RoleManager.Model;

/// <summary>
/// One direct membership of a role in <paramref name="Group"/>. <paramref name="Revocable"/>: the master user may
/// revoke it (a superuser's grant of a predefined role on PostgreSQL 16+ is not).
/// </summary>
public sealed record Membership(string Group, bool AdminOption, bool Revocable);
