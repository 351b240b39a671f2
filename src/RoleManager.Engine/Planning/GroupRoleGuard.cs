using RoleManager.Config;
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

    /// <summary>
    /// True when <paramref name="group"/>, of which <paramref name="member"/> is a member, is the group role of another
    /// database of the cluster: it carries RoleManager's mark for a database other than <paramref name="database"/>, its
    /// name is the one that mark gives (<see cref="GroupRoles.Name"/>: a mark copied onto another role does not count), and
    /// the inspector found it holding nothing of its own — no attribute, no membership, nothing owned or granted in this
    /// database (2_roles.sql) — so the membership gives nothing here. That database's run owns the membership: a run on
    /// this one leaves it alone instead of revoking what the other granted (issue 28). Never by name alone.
    /// </summary>
    public static bool IsOtherDatabasesGroup(string group, CurrentRole member, string database) =>
        member.MarkedGroups.TryGetValue(group, out var mark) && ParseMark(group, mark) is { } origin && origin.Database != database;

    /// <summary>
    /// The origin a mark (<see cref="GroupRoleOrigin.Comment"/>) stands for, when <paramref name="group"/> is the name
    /// that origin gives; else null. A schema or database name may itself contain " in database ", so every split is
    /// tried and the name decides.
    /// </summary>
    internal static GroupRoleOrigin? ParseMark(string group, string mark)
    {
        if (!mark.StartsWith(GroupRoleOrigin.CommentPrefix, StringComparison.Ordinal)) return null;
        string rest = mark[GroupRoleOrigin.CommentPrefix.Length..];
        const string OnSchema = " on schema ", InDatabase = " in database ", WithExecute = " with execute";
        int on = rest.IndexOf(OnSchema, StringComparison.Ordinal);
        if (on <= 0) return null;
        string profileText = rest[..on];
        bool execute = profileText.EndsWith(WithExecute, StringComparison.Ordinal);
        if (execute) profileText = profileText[..^WithExecute.Length];
        if (ConfigLoader.ParseProfile(profileText) is not { } profile || profileText != profileText.ToLowerInvariant()) return null;
        string place = rest[(on + OnSchema.Length)..];
        for (int at = place.IndexOf(InDatabase, StringComparison.Ordinal); at >= 0; at = place.IndexOf(InDatabase, at + 1, StringComparison.Ordinal))
        {
            var origin = new GroupRoleOrigin(place[(at + InDatabase.Length)..], place[..at], profile, execute);
            if (origin.Comment == mark && GroupRoles.Name(origin.Database, origin.Schema, profile, execute) == group) return origin;
        }
        return null;
    }

    public static string Describe(GroupRoleOrigin origin) =>
        $"{origin.Profile.ToString().ToLowerInvariant()}{(origin.Execute ? " with execute" : "")} on schema {origin.Schema} in database {origin.Database}";
}
