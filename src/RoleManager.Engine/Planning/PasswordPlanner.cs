using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Passwords;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// Sets a password role's password again when it is out of date (<see cref="PasswordDecision"/>: the secret has a new
/// version, or the environment password no longer logs in), and records the secret version it came from.
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
                "The host must read password secrets before planning; this is a defect in RoleManager: please report it.");

        if (PasswordDecision.SetReason(role, current) is { } reason && role.Password is { } password)
        {
            foreach (var change in PasswordChanges.Set(role.Name, password, $"set password of role {role.Name} from {source.Describe()} ({reason})", source.Version, source.Describe()))
                context.Builder.Add(Phase.AlterRoles, change);
        }
        else if (current is null && source.Version is { } version)
            context.Builder.Add(Phase.CreateRoles, PasswordChanges.Marker(role.Name, version, source.Describe()));
    }
}
