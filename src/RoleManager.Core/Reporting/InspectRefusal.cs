using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Reporting;

/// <summary>
/// <c>inspect</c> would print a config that is not exactly the database: nothing is printed, and the message names
/// each role, schema and object the config cannot express and why (exit 1).
/// </summary>
public sealed class InspectRefusedException(IReadOnlyList<string> problems) : RoleManagerException(
    $"inspect cannot print this database as a config exactly: {problems.Count} thing{(problems.Count == 1 ? "" : "s")} the config cannot say, " +
    "and applying a near config would change what roles can do. Nothing was printed.\n  - " +
    string.Join("\n  - ", problems.Take(MaxListed)) + (problems.Count > MaxListed ? $"\n  - ... and {problems.Count - MaxListed} more" : "") +
    "\nMake the database match a config (grant or revoke by hand), or leave those roles and schemas out of the --config inspect reads.")
{
    public const int MaxListed = 50;

    public IReadOnlyList<string> Problems { get; } = problems;

    public override string ErrorType => "RoleManager.InspectRefused";
}

/// <summary>
/// The last guard of inspect: the config it is about to print, planned against the very state it was read from, must
/// plan nothing. Every change that plan holds is something the config says differently from the database (a grant
/// would widen, a revoke would narrow what a role can do), so it is named as a reason to refuse. Pure.
/// </summary>
internal static class InspectResidue
{
    /// <summary>Placeholder for password variables: the plan of an inspected config never sets a password.</summary>
    private const string Placeholder = "inspect-placeholder-password";

    /// <summary>
    /// The changes that widen or narrow what a role can do (privileges, memberships, owners). Role attributes and
    /// settings (search_path, connection limit) are printed as read and are not what this guard is about.
    /// </summary>
    private static readonly HashSet<ChangeKind> ChangesAccess =
    [
        ChangeKind.GrantMembership, ChangeKind.RevokeMembership, ChangeKind.GrantDatabase, ChangeKind.RevokeDatabase,
        ChangeKind.AlterSchemaOwner, ChangeKind.GrantSchema, ChangeKind.RevokeSchema, ChangeKind.GrantObjects, ChangeKind.RevokeObjects,
        ChangeKind.GrantDefault, ChangeKind.RevokeDefault, ChangeKind.AlterObjectOwner,
    ];

    public static IReadOnlyList<string> Of(string yaml, CurrentState current)
    {
        DesiredState desired;
        try
        {
            desired = ConfigLoader.Load(yaml, "inspected config", _ => Placeholder, new ConfigDefaults(current.Server.Database));
        }
        catch (ConfigException ex)
        {
            return [.. ex.Problems.Select(p => $"the printed config would not load: {p}")];
        }
        // Passwords are not part of what inspect can read: their source is the config's (or the operator's) business.
        desired = desired with { Roles = [.. desired.Roles.Select(r => r with { Password = null, PasswordSource = null })] };
        Plan plan;
        try
        {
            plan = Planner.Plan(desired, current);
        }
        catch (RoleManagerException ex)
        {
            return [$"the printed config would not plan: {ex.Message}"];
        }
        return [.. plan.Changes.Where(c => ChangesAccess.Contains(c.Kind))
            .Select(c => $"the config cannot say this, and applying it would {c.Description}")];
    }
}
