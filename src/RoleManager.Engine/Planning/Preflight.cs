using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Sql;

namespace RoleManager.Planning;

/// <summary>
/// Checks a plan against what this master user may do on this server before any statement runs, so that nothing is
/// planned that fails at apply: ADMIN OPTION on existing roles that PostgreSQL 16+ requires to alter or grant them, and extensions the server
/// does not offer. (Attributes only a superuser may take away, REPLICATION and BYPASSRLS, are findings of the role
/// planner: the rest of the plan still applies.) Every impossibility is named with its fix in one <see cref="PlanException"/>; nothing is applied.
/// </summary>
internal static class Preflight
{
    public static void Check(Plan plan, DesiredState desired, CurrentState current)
    {
        var problems = new List<string>();
        CheckMembershipOptions(desired, current, problems);
        // A superuser may do the rest; what the server version cannot do, no one may.
        if (!current.Server.CurrentUserIsSuperuser)
        {
            CheckExtensions(desired, current, problems);
            CheckAdmin(plan, desired, current, problems);
        }
        if (problems.Count > 0)
            throw new PlanException(problems.Count == 1 ? problems[0]
                : $"The plan needs {problems.Count} things this master user (or this server) may not do; nothing was changed:\n  - " + string.Join("\n  - ", problems));
    }

    /// <summary>
    /// INHERIT and SET are options of each membership from PostgreSQL 16 only; before that every member may SET ROLE and
    /// inheritance is the member's attribute (declared roles always INHERIT), so <c>inherit: false</c> or <c>set: false</c>
    /// cannot be made true on the server: refused at plan time rather than silently granting more.
    /// </summary>
    private static void CheckMembershipOptions(DesiredState desired, CurrentState current, List<string> problems)
    {
        if (current.Server.VersionNum >= 160000) return;
        foreach (var role in desired.PresentRoles)
            foreach (var (group, options) in role.MembershipOptions.Where(o => !o.Value.Inherit || !o.Value.Set).OrderBy(o => o.Key, StringComparer.Ordinal))
                problems.Add($"Role \"{role.Name}\" declares its membership in \"{group}\" with {(options.Inherit ? "" : "inherit: false")}" +
                             $"{(!options.Inherit && !options.Set ? " and " : "")}{(options.Set ? "" : "set: false")}, which needs PostgreSQL 16 or later " +
                             $"(this server is {current.Server.Version}). Remove those options from member_of (the plain form inherits and may SET ROLE), " +
                             "or run against PostgreSQL 16+.");
    }

    private static void CheckExtensions(DesiredState desired, CurrentState current, List<string> problems)
    {
        if (current.MasterFacts.AvailableExtensions is not { } available) return;
        foreach (var extension in desired.Extensions.Where(e => !current.Extensions.Contains(e) && !available.Contains(e)))
            problems.Add($"Extension \"{extension}\" is not available on this server (it is not in pg_available_extensions, " +
                         $"PostgreSQL {current.Server.Version}): install it on the server (on RDS/Aurora, use an engine version that offers it), " +
                         "or remove it from 'extensions'.");
    }

    /// <summary>
    /// From PostgreSQL 16, altering, granting or dropping an existing role needs ADMIN OPTION on it (CREATEROLE alone no
    /// longer suffices); the master has it on the roles it created, not on roles someone else created.
    /// </summary>
    private static void CheckAdmin(Plan plan, DesiredState desired, CurrentState current, List<string> problems)
    {
        if (current.Server.VersionNum < 160000 || !current.MasterFacts.IsKnown) return;
        var candidates = desired.Roles.Select(r => r.Name).Append(RolePlanner.RdsIam)
            .Where(n => current.Roles.ContainsKey(n) || n == RolePlanner.RdsIam).Distinct().ToList();
        foreach (var role in candidates.Where(r => !current.MasterFacts.AdminOf.Contains(r)))
        {
            string q = Ident.Quote(role);
            var needing = plan.Changes.Where(c => c.Sql.StartsWith($"ALTER ROLE {q} ", StringComparison.Ordinal)
                                                  || c.Sql.StartsWith($"GRANT {q} TO ", StringComparison.Ordinal)
                                                  || c.Sql.StartsWith($"REVOKE {q} FROM ", StringComparison.Ordinal)
                                                  || c.Sql == $"DROP ROLE {q}").ToList();
            if (needing.Count == 0) continue;
            problems.Add($"Role \"{role}\" was created by another role and the master user \"{current.Server.CurrentUser}\" has no ADMIN OPTION on it, " +
                         $"which PostgreSQL 16+ requires to {needing[0].Description}. Have its creator or a superuser run: " +
                         $"GRANT {q} TO {Ident.Quote(current.Server.CurrentUser)} WITH ADMIN OPTION; or remove \"{role}\" from the config.");
        }
    }
}
