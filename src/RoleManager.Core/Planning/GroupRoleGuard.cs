using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Sql;

namespace RoleManager.Planning;

/// <summary>
/// A generated group role (<see cref="RoleSpec.GeneratedGroup"/>, docs/group-roles.md) is managed only when it is
/// ours: absent (the plan creates it and marks it with its comment), or present and carrying exactly that mark. A
/// role of the same name without it belongs to someone else — its members would gain the group's grants and the
/// planner would make it NOLOGIN — so the plan stops, before any statement, and says how to resolve it.
/// </summary>
internal static class GroupRoleGuard
{
    public static void Check(DesiredState desired, CurrentState current)
    {
        var problems = new List<string>();
        foreach (var role in desired.PresentRoles)
        {
            if (role.GeneratedGroup is not { } origin || !current.Roles.TryGetValue(role.Name, out var live)) continue;
            if (live.Comment == origin.Comment) continue;
            string found = live.Comment is null ? "no comment" : $"the comment '{live.Comment}'";
            problems.Add($"Role \"{role.Name}\" already exists and is not RoleManager's group role for {Describe(origin)} " +
                         $"(it has {found}). RoleManager never takes over a role it did not create: rename or drop that role, " +
                         $"set 'grant_mode: direct' on schema {origin.Schema}, or, if it really is meant to be this group, mark it with " +
                         $"COMMENT ON ROLE {Ident.Quote(role.Name)} IS {Ident.Literal(origin.Comment)}");
        }
        if (problems.Count > 0)
            throw new PlanException(problems.Count == 1 ? problems[0]
                : $"{problems.Count} group roles collide with existing roles:\n  - " + string.Join("\n  - ", problems));
    }

    public static string Describe(GroupRoleOrigin origin) =>
        $"{origin.Profile.ToString().ToLowerInvariant()}{(origin.Execute ? " with execute" : "")} on schema {origin.Schema} in database {origin.Database}";
}
