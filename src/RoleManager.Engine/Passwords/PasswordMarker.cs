using RoleManager.Sql;

namespace RoleManager.Passwords;

/// <summary>
/// The marker that records which secret version a role's password was set from: the role's comment
/// <c>role-manager password-version: &lt;version id&gt;</c>. Every database user can read role comments, and that is
/// fine: a version id is a random id Secrets Manager assigns, it says nothing about the password (a hash would let
/// anyone test guesses offline, so none is ever stored). COMMENT ON ROLE needs only CREATEROLE (before 16) or ADMIN
/// on the role (16+), which the master has on the roles it created; a custom GUC would need superuser on some versions.
/// </summary>
public static class PasswordMarker
{
    public const string Prefix = "role-manager password-version: ";

    /// <summary>The version id in a role's comment, or null when the comment is not ours.</summary>
    public static string? Read(string? comment) =>
        comment is not null && comment.StartsWith(Prefix, StringComparison.Ordinal) ? comment[Prefix.Length..] : null;

    public static string Sql(string role, string version) =>
        $"COMMENT ON ROLE {Ident.Quote(role)} IS {Ident.Literal(Prefix + version)}";
}
