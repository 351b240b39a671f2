using System.Collections.Immutable;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// A declared role's direct memberships: exactly the declared ones (and rds_iam for IAM roles), each with its declared
/// options. Any other membership — a predefined pg_* role, an rds_* role, an undeclared group — carries privileges the
/// layout does not declare, so it is revoked; so is an option the config does not give (ADMIN on every major; INHERIT
/// and SET, which are per membership from PostgreSQL 16). What the master may not revoke becomes a finding.
/// </summary>
internal static class MembershipPlanner
{
    private const int PerMembershipOptions = 160000;

    public static void Plan(PlanContext context, RoleSpec role, CurrentRole? current)
    {
        var wanted = role.MemberOf.ToHashSet(StringComparer.Ordinal);
        if (role.Auth == AuthMode.Iam) wanted.Add(RolePlanner.RdsIam);
        var have = current is null ? ImmutableArray<Membership>.Empty
            : !current.Memberships.IsEmpty ? current.Memberships
            : current.MemberOf.Order(StringComparer.Ordinal).Select(g => new Membership(g, false, true)).ToImmutableArray();

        foreach (var group in role.MemberOf.Append(RolePlanner.RdsIam).Distinct().Where(g => wanted.Contains(g) && have.All(m => m.Group != g)))
            context.Builder.Add(Phase.Memberships, new Change(ChangeKind.GrantMembership,
                $"make {role.Name} a member of {group}{Described(role.OptionsIn(group))}",
                $"GRANT {Ident.Quote(group)} TO {Ident.Quote(role.Name)}{NewGrantOptions(context, role, group)}") { Log = new(Role: role.Name, Object: $"role {group}") });

        // The connected master's own memberships (rds_superuser, the roles it created, acting-as grants) are what the tool
        // runs on: even with adopt: true they are never revoked, or the run would saw off the branch it sits on.
        if (role.Name == context.Master) return;
        // Another database's group role (its mark, never its name alone) is that database's run's to grant and revoke.
        have = have.Where(m => current is null || wanted.Contains(m.Group) || !GroupRoleGuard.IsOtherDatabasesGroup(m.Group, current, context.Desired.Database)).ToImmutableArray();
        foreach (var rows in have.GroupBy(m => m.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (wanted.Contains(rows.Key)) PlanOptions(context, role, rows.Key, [.. rows]);
            else foreach (var membership in rows) Revoke(context, role, membership, option: null);
        }
    }

    /// <summary>
    /// Converges the options of a membership that exists, as one or more rows (from 16, one per grantor). The server
    /// counts an option when any row has it: an option the config does not give is revoked from every row that has
    /// it (REVOKE ... OPTION FOR, GRANTED BY that row's grantor); a missing one is granted by the master, which from 16
    /// adds or updates the master's own row (GRANT ... WITH names every option, so that row matches the config).
    /// </summary>
    private static void PlanOptions(PlanContext context, RoleSpec role, string group, IReadOnlyList<Membership> rows)
    {
        var options = role.OptionsIn(group);
        bool perMembership = context.Version >= PerMembershipOptions && rows.All(r => r.InheritOption is not null);
        if (!options.Admin)
            foreach (var row in rows.Where(r => r.AdminOption)) Revoke(context, role, row, "ADMIN");
        if (perMembership && !options.Inherit)
            foreach (var row in rows.Where(r => r.InheritOption == true)) Revoke(context, role, row, "INHERIT");
        if (perMembership && !options.Set)
            foreach (var row in rows.Where(r => r.SetOption == true)) Revoke(context, role, row, "SET");

        var missing = new List<string>();
        if (options.Admin && !rows.Any(r => r.AdminOption)) missing.Add("ADMIN");
        if (perMembership && options.Inherit && !rows.Any(r => r.InheritOption == true)) missing.Add("INHERIT");
        if (perMembership && options.Set && !rows.Any(r => r.SetOption == true)) missing.Add("SET");
        if (missing.Count == 0) return;
        string with = context.Version >= PerMembershipOptions
            ? $" WITH INHERIT {Bool(options.Inherit)}, SET {Bool(options.Set)}{(options.Admin ? ", ADMIN TRUE" : "")}"
            : " WITH ADMIN OPTION";
        context.Builder.Add(Phase.Memberships, new Change(ChangeKind.GrantMembership,
            $"give {role.Name} the {string.Join(", ", missing)} option{(missing.Count == 1 ? "" : "s")} on its membership in {group}",
            $"GRANT {Ident.Quote(group)} TO {Ident.Quote(role.Name)}{with}") { Log = new(Role: role.Name, Object: $"role {group}") });
    }

    /// <summary>
    /// Revokes a membership row (<paramref name="option"/> null) or one of its options. From 16 a membership is one row per
    /// grantor, and a REVOKE without GRANTED BY takes only the row of the grantor the server picks for the current user
    /// (warning, not failing, when there is none): name the grantor, so the statement takes exactly this row, whoever runs
    /// it (the master here, a superuser for a finding).
    /// </summary>
    private static void Revoke(PlanContext context, RoleSpec role, Membership membership, string? option)
    {
        string grantedBy = context.Version >= PerMembershipOptions && membership.Grantor is { } grantor ? $" GRANTED BY {Ident.Quote(grantor)}" : "";
        string sql = option is null
            ? $"REVOKE {Ident.Quote(membership.Group)} FROM {Ident.Quote(role.Name)}{grantedBy}"
            : $"REVOKE {option} OPTION FOR {Ident.Quote(membership.Group)} FROM {Ident.Quote(role.Name)}{grantedBy}";
        string by = grantedBy.Length > 0 ? $" (granted by {membership.Grantor})" : "";
        if (!membership.Revocable)
        {
            context.Builder.AddFinding(new Finding($"role {role.Name}",
                option is null ? $"{role.Name} is a member of {membership.Group}{by}, which the configuration does not declare, and the master user may not revoke it"
                               : $"{role.Name} holds {option} OPTION on {membership.Group}{by}, which the configuration does not declare, and the master user may not revoke it",
                sql));
            return;
        }
        context.Builder.Add(Phase.Memberships, new Change(ChangeKind.RevokeMembership,
            option is null ? $"remove {role.Name} from {membership.Group}" : $"remove the {option} option of {role.Name} on {membership.Group}", sql)
            { Log = new(Role: role.Name, Object: $"role {membership.Group}") });
    }

    /// <summary>
    /// The WITH clause of a new membership. A generated group role gives its members their grants only through
    /// inheritance: before 16 a membership inherits when the member has INHERIT (declared roles always get it, in an
    /// earlier phase); from 16 the option is per grant, so it is written out rather than left to the member's attribute.
    /// Declared options are written out in full (16+); before 16 only ADMIN exists (INHERIT/SET false are refused earlier).
    /// </summary>
    private static string NewGrantOptions(PlanContext context, RoleSpec role, string group)
    {
        var options = role.OptionsIn(group);
        if (context.Version < PerMembershipOptions) return options.Admin ? " WITH ADMIN OPTION" : "";
        if (!options.IsPlain) return $" WITH INHERIT {Bool(options.Inherit)}, SET {Bool(options.Set)}, ADMIN {Bool(options.Admin)}";
        return context.Desired.FindRole(group)?.GeneratedGroup is not null ? " WITH INHERIT TRUE" : "";
    }

    private static string Described(MembershipOptions options) => options.IsPlain ? "" : $" ({options})";

    private static string Bool(bool value) => value ? "TRUE" : "FALSE";
}
