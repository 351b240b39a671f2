using System.Collections.Immutable;
using RoleManager.Planning;
using RoleManager.Sql;

namespace RoleManager.Passwords;

/// <summary>
/// The statements that set a role's password: <c>ALTER ROLE … PASSWORD</c> with a SCRAM verifier (never the
/// plaintext; printed as <c>'********'</c>), then the version marker when the password comes from a secret.
/// The planner and the rotation function both build them here.
/// </summary>
public static class PasswordChanges
{
    public static ImmutableArray<Change> Set(string role, Secret password, string description, string? version, string? versionOf)
    {
        string sql = $"ALTER ROLE {Ident.Quote(role)} PASSWORD ";
        var set = new Change(ChangeKind.SetPassword, description, sql + "'********'")
        {
            SecretSql = new Secret(sql + Ident.Literal(ScramVerifier.Create(role, password.Reveal()))),
            Log = new(Role: role),
        };
        return version is null ? [set] : [set, Marker(role, version, versionOf ?? "its secret")];
    }

    public static Change Marker(string role, string version, string versionOf) =>
        new(ChangeKind.SetPassword, $"record on role {role} that its password is version {version} of {versionOf}", PasswordMarker.Sql(role, version)) { Log = new(Role: role) };
}
