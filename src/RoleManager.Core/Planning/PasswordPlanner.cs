using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Passwords;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// Sets a password role's password again when <see cref="RolePasswordResolver"/> found it out of date (the secret has
/// a new version, or the environment password no longer logs in), and records the secret version it came from.
/// The value travels only as a SCRAM verifier in <see cref="Change.SecretSql"/>; the plan prints <c>'********'</c>.
/// </summary>
internal static class PasswordPlanner
{
    public static void PlanPassword(PlanContext context, RoleSpec role, CurrentRole? current)
    {
        if (role.Auth != AuthMode.Password || role.PasswordSource is not { } source) return;
        if (!source.Resolved && source.Origin == PasswordOrigin.Secret)
            throw new PlanException(
                $"Role {role.Name} takes its password from {source.Describe()}, which was not read before planning. " +
                "This host does not support password_secret yet: use the CLI or the Lambda function of this version.");

        if (current is not null && source.SetReason is { } reason && role.Password is { } password)
        {
            string sql = $"ALTER ROLE {Ident.Quote(role.Name)} PASSWORD ";
            context.Builder.Add(Phase.AlterRoles, new Change(ChangeKind.SetPassword,
                $"set password of role {role.Name} from {source.Describe()} ({reason})", sql + "'********'")
            {
                SecretSql = new Secret(sql + Ident.Literal(ScramVerifier.Create(role.Name, password.Reveal()))),
            });
        }
        if (source.Version is { } version && (current is null || source.SetReason is not null))
            context.Builder.Add(current is null ? Phase.CreateRoles : Phase.AlterRoles, new Change(ChangeKind.SetPassword,
                $"record on role {role.Name} that its password is version {version} of {source.Describe()}", PasswordMarker.Sql(role.Name, version)));
    }
}
