using System.Collections.Immutable;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>Roles: creation, attributes, settings, memberships (incl. <c>rds_iam</c>) and explicit drops.</summary>
internal static class RolePlanner
{
    public const string RdsIam = "rds_iam";

    public static void PlanRoles(PlanContext context)
    {
        foreach (var role in context.PresentRoles)
        {
            if (context.Current.Roles.TryGetValue(role.Name, out var current))
                PlanExistingRole(context, role, current);
            else
                PlanNewRole(context, role);
            PasswordPlanner.PlanPassword(context, role, current);
            PlanSearchPath(context, role, current);
            PlanMemberships(context, role, current);
            PlanDatabaseSettings(context, role, current);
        }
    }

    private static void PlanNewRole(PlanContext context, RoleSpec role)
    {
        string sql = $"CREATE ROLE {Ident.Quote(role.Name)} WITH {(role.Login ? "LOGIN" : "NOLOGIN")} NOSUPERUSER " +
                     $"{(role.CreateDb ? "CREATEDB" : "NOCREATEDB")} {(role.CreateRole ? "CREATEROLE" : "NOCREATEROLE")} " +
                     $"INHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT {role.ConnectionLimit}";
        var change = new Change(ChangeKind.CreateRole,
            $"create role {role.Name} ({(role.Login ? "login" : "no login")}, auth {role.Auth.ToString().ToLowerInvariant()})", sql) { Log = new(Role: role.Name) };
        if (role.Auth == AuthMode.Password && role.Password is { } password)
        {
            change = change with
            {
                Sql = sql + " PASSWORD '********'",
                SecretSql = new Secret(sql + " PASSWORD " + Ident.Literal(ScramVerifier.Create(role.Name, password.Reveal()))),
            };
        }
        context.Builder.Add(Phase.CreateRoles, change);
        // The mark that makes a generated group role ours (GroupRoleGuard): without it the next plan would refuse the role.
        if (role.GeneratedGroup is { } origin)
            context.Builder.Add(Phase.CreateRoles, new Change(ChangeKind.CreateRole,
                $"mark role {role.Name} as the group role for {GroupRoleGuard.Describe(origin)}",
                $"COMMENT ON ROLE {Ident.Quote(role.Name)} IS {Ident.Literal(origin.Comment)}") { Log = new(Role: role.Name) });
    }

    private static void PlanExistingRole(PlanContext context, RoleSpec role, CurrentRole current)
    {
        var clauses = new List<string>();
        if (current.Login != role.Login) clauses.Add(role.Login ? "LOGIN" : "NOLOGIN");
        if (current.CreateDb != role.CreateDb) clauses.Add(role.CreateDb ? "CREATEDB" : "NOCREATEDB");
        if (current.CreateRole != role.CreateRole) clauses.Add(role.CreateRole ? "CREATEROLE" : "NOCREATEROLE");
        if (!current.Inherit) clauses.Add("INHERIT");
        // Only a superuser may change REPLICATION and BYPASSRLS.
        foreach (var (on, clause) in new[] { (current.Replication, "NOREPLICATION"), (current.BypassRls, "NOBYPASSRLS") }.Where(a => a.Item1))
        {
            if (context.Current.Server.CurrentUserIsSuperuser) clauses.Add(clause);
            else context.Builder.AddFinding(new Finding($"role {role.Name}",
                $"{role.Name} has {clause[2..]}, which the configuration does not declare; only a superuser may remove it",
                $"ALTER ROLE {Ident.Quote(role.Name)} WITH {clause}"));
        }
        if (current.ConnectionLimit != role.ConnectionLimit) clauses.Add($"CONNECTION LIMIT {role.ConnectionLimit}");
        if (clauses.Count == 0) return;
        context.Builder.Add(Phase.AlterRoles, new Change(ChangeKind.AlterRole,
            $"set {string.Join(", ", clauses)} on role {role.Name}",
            $"ALTER ROLE {Ident.Quote(role.Name)} WITH {string.Join(" ", clauses)}") { Log = new(Role: role.Name) });
    }

    private static void PlanSearchPath(PlanContext context, RoleSpec role, CurrentRole? current)
    {
        if (role.SearchPath is not { } wanted) return;
        var have = current?.SearchPath ?? ImmutableArray<string>.Empty;
        if (have.SequenceEqual(wanted, StringComparer.Ordinal) && (current?.SearchPath is not null || wanted.IsEmpty)) return;
        var change = wanted.IsEmpty
            ? new Change(ChangeKind.AlterRole, $"reset search_path of role {role.Name}", $"ALTER ROLE {Ident.Quote(role.Name)} RESET search_path") { Log = new(Role: role.Name) }
            : new Change(ChangeKind.AlterRole, $"set search_path of role {role.Name} to {string.Join(", ", wanted)}",
                $"ALTER ROLE {Ident.Quote(role.Name)} SET search_path TO {Ident.QuoteList(wanted)}") { Log = new(Role: role.Name) };
        context.Builder.Add(Phase.AlterRoles, change);
    }

    /// <summary>
    /// Exactly the declared memberships (and rds_iam for IAM roles): any other direct membership — a predefined
    /// pg_* role, an rds_* role, an undeclared group — carries privileges the layout does not declare, so it is
    /// revoked, and so is an ADMIN option. What the master may not revoke becomes a finding.
    /// </summary>
    private static void PlanMemberships(PlanContext context, RoleSpec role, CurrentRole? current)
    {
        var wanted = role.MemberOf.ToHashSet(StringComparer.Ordinal);
        if (role.Auth == AuthMode.Iam) wanted.Add(RdsIam);
        var have = current is null ? ImmutableArray<Membership>.Empty
            : !current.Memberships.IsEmpty ? current.Memberships
            : current.MemberOf.Order(StringComparer.Ordinal).Select(g => new Membership(g, false, true)).ToImmutableArray();

        foreach (var group in role.MemberOf.Append(RdsIam).Distinct().Where(g => wanted.Contains(g) && have.All(m => m.Group != g)))
            context.Builder.Add(Phase.Memberships, new Change(ChangeKind.GrantMembership,
                $"make {role.Name} a member of {group}", $"GRANT {Ident.Quote(group)} TO {Ident.Quote(role.Name)}{InheritOption(context, group)}") { Log = new(Role: role.Name, Object: $"role {group}") });

        // The connected master's own memberships (rds_superuser, the roles it created, acting-as grants) are what the tool
        // runs on: even with adopt: true they are never revoked, or the run would saw off the branch it sits on.
        if (role.Name == context.Master) return;
        foreach (var membership in have.Where(m => !wanted.Contains(m.Group) || m.AdminOption).OrderBy(m => m.Group, StringComparer.Ordinal))
        {
            bool whole = !wanted.Contains(membership.Group);
            string sql = whole
                ? $"REVOKE {Ident.Quote(membership.Group)} FROM {Ident.Quote(role.Name)}"
                : $"REVOKE ADMIN OPTION FOR {Ident.Quote(membership.Group)} FROM {Ident.Quote(role.Name)}";
            if (!membership.Revocable)
            {
                context.Builder.AddFinding(new Finding($"role {role.Name}",
                    whole ? $"{role.Name} is a member of {membership.Group}, which the configuration does not declare, and the master user may not revoke it"
                          : $"{role.Name} holds ADMIN OPTION on {membership.Group}, which the configuration does not declare, and the master user may not revoke it",
                    sql));
                continue;
            }
            context.Builder.Add(Phase.Memberships, new Change(ChangeKind.RevokeMembership,
                whole ? $"remove {role.Name} from {membership.Group}" : $"remove the ADMIN option of {role.Name} on {membership.Group}", sql)
                { Log = new(Role: role.Name, Object: $"role {membership.Group}") });
        }
    }

    /// <summary>
    /// A generated group role gives its members their grants only through inheritance. Before 16 a membership
    /// inherits when the member has INHERIT (declared roles always get it, in an earlier phase); from 16 the option is
    /// per grant, so it is written out rather than left to the member's attribute at the moment of the grant.
    /// </summary>
    private static string InheritOption(PlanContext context, string group) =>
        context.Version >= 160000 && context.Desired.FindRole(group)?.GeneratedGroup is not null ? " WITH INHERIT TRUE" : "";

    /// <summary>Settings made for a declared role in this database only override the declared ones: none is declared, so all go.</summary>
    private static void PlanDatabaseSettings(PlanContext context, RoleSpec role, CurrentRole? current)
    {
        if (current is null || current.DatabaseSettings.IsEmpty) return;
        context.Builder.Add(Phase.AlterRoles, new Change(ChangeKind.AlterRole,
            $"reset the settings of role {role.Name} in database {context.Desired.Database} ({string.Join(", ", current.DatabaseSettings)})",
            $"ALTER ROLE {Ident.Quote(role.Name)} IN DATABASE {Ident.Quote(context.Desired.Database)} RESET ALL")
            { Log = new(Role: role.Name, Object: $"database {context.Desired.Database}") });
    }

    public static void PlanDrops(PlanContext context)
    {
        foreach (var role in context.Desired.Roles.Where(r => r.Drop && context.Current.Roles.ContainsKey(r.Name)))
        {
            context.ActAs(role.Name);
            // DROP OWNED revokes only what the current user could revoke: act as every owner that granted the role something.
            var current = context.Current;
            foreach (var owner in current.Schemas.Values.Where(s => s.Acl.ContainsKey(role.Name)).Select(s => s.Owner)
                         .Concat(current.Objects.Where(o => o.Acl.ContainsKey(role.Name)).Select(o => o.Owner))
                         .Concat(current.DefaultAcls.Where(d => d.Acl.ContainsKey(role.Name)).Select(d => d.Owner))
                         .Distinct().Order(StringComparer.Ordinal))
                context.ActAs(owner);
            string name = Ident.Quote(role.Name);
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"give what {role.Name} owns in this database to the master user", $"REASSIGN OWNED BY {name} TO CURRENT_USER") { Log = new(Role: role.Name) });
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"revoke every privilege of {role.Name} in this database", $"DROP OWNED BY {name}") { Log = new(Role: role.Name) });
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole, $"drop role {role.Name}", $"DROP ROLE {name}") { Log = new(Role: role.Name) });
        }
    }
}
