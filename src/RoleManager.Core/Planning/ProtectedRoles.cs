using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Planning;

/// <summary>
/// The protected-role rule, checked while planning, so before any statement runs: the connected (master) user, the
/// database owner, superusers, <c>rds_*</c>/<c>pg_*</c> roles, and any existing role with CREATEROLE or a membership
/// (through any chain) in <c>rds_superuser</c>, a superuser or a <c>pg_*</c> role are never altered, granted to,
/// dropped or reassigned unless the config says <c>adopt: true</c> on that role; and no declared membership may lead,
/// directly or through other roles, into such a role unless the member itself says <c>adopt: true</c>.
/// </summary>
/// <remarks>
/// CREATEROLE: a role the config itself declares with <c>createrole: true</c> is the config's own privileged role (it
/// creates it with CREATEROLE, and the next run must still manage it), so CREATEROLE alone does not protect it; a
/// pre-existing role with CREATEROLE that the config declares without <c>createrole: true</c> is protected. Who may
/// write <c>createrole: true</c> at all is the configuration's business (event configs cannot, see docs/security.md).
/// </remarks>
internal static class ProtectedRoles
{
    public const string RdsSuperuser = "rds_superuser";

    public static void Check(DesiredState desired, CurrentState current)
    {
        var problems = new List<string>();
        foreach (var role in desired.Roles.Where(r => !r.Adopt))
        {
            var reasons = Reasons(role.Name, role, current);
            if (reasons.Count > 0)
                problems.Add($"Role \"{role.Name}\" is protected: {string.Join("; ", reasons)}. RoleManager never alters, grants to, " +
                             $"{(role.Drop ? "drops or reassigns it (drop: true)" : "drops or reassigns a protected role")}. " +
                             $"Remove \"{role.Name}\" from the config, or add 'adopt: true' to it if RoleManager is really to manage it.");
        }

        // A group is privileged when it is protected for what it is, or is (to be) a member of a privileged group.
        // A role the config gives CREATEROLE is privileged from the start (a membership in it is SET ROLE to CREATEROLE).
        var privileged = desired.Roles.Where(r => Reasons(r.Name, null, current).Count > 0 || r is { CreateRole: true, Drop: false })
            .Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var role in desired.PresentRoles.Where(r => !privileged.Contains(r.Name) && r.MemberOf.Any(privileged.Contains)))
                grew |= privileged.Add(role.Name);
        }
        foreach (var role in desired.PresentRoles.Where(r => !r.Adopt))
        foreach (var group in role.MemberOf.Where(privileged.Contains))
            problems.Add($"Role \"{role.Name}\" may not be made a member of \"{group}\": {group} is or leads to a protected role " +
                         $"({string.Join("; ", Reasons(group, null, current).DefaultIfEmpty(desired.FindRole(group)?.CreateRole == true ? "the config gives it CREATEROLE" : "it is declared a member of a protected role"))}), " +
                         $"so the membership would hand {role.Name} privileged rights. Remove \"{group}\" from {role.Name}'s member_of, " +
                         $"or add 'adopt: true' to \"{role.Name}\" if it is meant to be privileged.");

        if (problems.Count > 0)
            throw new PlanException(problems.Count == 1 ? problems[0]
                : $"The configuration touches {problems.Count} protected roles:\n  - " + string.Join("\n  - ", problems));
    }

    /// <summary>
    /// Why <paramref name="name"/> is protected (empty when it is not). <paramref name="declared"/> is its spec when the
    /// question is whether the config may manage it (its own <c>createrole: true</c> then acknowledges CREATEROLE).
    /// </summary>
    public static List<string> Reasons(string name, RoleSpec? declared, CurrentState current)
    {
        var reasons = new List<string>();
        var server = current.Server;
        if (name == server.CurrentUser) reasons.Add("it is the connected (master) user");
        else if (name == server.DatabaseOwner) reasons.Add("it owns the database");
        if (name.StartsWith("rds_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("pg_", StringComparison.OrdinalIgnoreCase))
            reasons.Add("rds_* and pg_* roles belong to RDS and PostgreSQL");
        if (current.Roles.TryGetValue(name, out var live))
        {
            if (live.Superuser) reasons.Add("it is a superuser");
            if (live.CreateRole && !(declared is { CreateRole: true, Drop: false })) reasons.Add("it has CREATEROLE");
        }
        if (current.MasterFacts.Superusers.Contains(name) && !reasons.Contains("it is a superuser")) reasons.Add("it is a superuser");
        if (current.MasterFacts.PrivilegedVia.TryGetValue(name, out var via) && via.Length > 0)
            reasons.Add($"it is a member (directly or through other roles) of {string.Join(", ", via)}");
        return reasons;
    }
}
