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
            SettingsPlanner.Plan(context, role, current);
            PlanMemberships(context, role, current);
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
        // Another database's group role (its mark, never its name alone) is that database's run's to grant and revoke.
        have = have.Where(m => current is null || wanted.Contains(m.Group) || !GroupRoleGuard.IsOtherDatabasesGroup(m.Group, current, context.Desired.Database)).ToImmutableArray();
        foreach (var membership in have.Where(m => !wanted.Contains(m.Group) || m.AdminOption).OrderBy(m => m.Group, StringComparer.Ordinal))
        {
            bool whole = !wanted.Contains(membership.Group);
            // From 16 a membership is one row per grantor, and a REVOKE without GRANTED BY takes only the row of the grantor the
            // server picks for the current user (warning, not failing, when there is none): name the grantor, so the statement
            // takes exactly this row, whoever runs it (the master here, a superuser for a finding).
            string grantedBy = context.Version >= 160000 && membership.Grantor is { } grantor ? $" GRANTED BY {Ident.Quote(grantor)}" : "";
            string sql = whole
                ? $"REVOKE {Ident.Quote(membership.Group)} FROM {Ident.Quote(role.Name)}{grantedBy}"
                : $"REVOKE ADMIN OPTION FOR {Ident.Quote(membership.Group)} FROM {Ident.Quote(role.Name)}{grantedBy}";
            string by = grantedBy.Length > 0 ? $" (granted by {membership.Grantor})" : "";
            if (!membership.Revocable)
            {
                context.Builder.AddFinding(new Finding($"role {role.Name}",
                    whole ? $"{role.Name} is a member of {membership.Group}{by}, which the configuration does not declare, and the master user may not revoke it"
                          : $"{role.Name} holds ADMIN OPTION on {membership.Group}{by}, which the configuration does not declare, and the master user may not revoke it",
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

    /// <summary>Roles per DROP/REASSIGN/DROP OWNED statement: long enough that 5,000 drops are 30 statements, short enough to read.</summary>
    internal const int DropChunk = 500;

    /// <summary>
    /// Explicit drops, batched: <c>REASSIGN OWNED BY</c>, <c>DROP OWNED BY</c> and <c>DROP ROLE</c> all take a role
    /// list, so each chunk of <see cref="DropChunk"/> roles is three statements (one per role made 5,000 drops
    /// 15,000 statements). A role that a superuser granted something stays on its own: its unit becomes a finding
    /// without holding back the others.
    /// </summary>
    public static void PlanDrops(PlanContext context)
    {
        var current = context.Current;
        var dropped = context.Desired.Roles.Where(r => r.Drop && current.Roles.ContainsKey(r.Name)).Select(r => r.Name).ToList();
        if (dropped.Count == 0) return;
        // DROP OWNED revokes only what the current user could revoke: act as every owner that granted the role something.
        // One pass over the catalog for all dropped roles (not one per role: 5,000 roles × every object).
        var wanted = dropped.ToHashSet(StringComparer.Ordinal);
        var grantors = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Note(string owner, IEnumerable<string> grantees)
        {
            foreach (var grantee in grantees.Where(wanted.Contains))
            {
                if (!grantors.TryGetValue(grantee, out var owners)) grantors[grantee] = owners = new SortedSet<string>(StringComparer.Ordinal);
                owners.Add(owner);
            }
        }
        foreach (var schema in current.Schemas.Values) Note(schema.Owner, schema.Acl.Keys);
        foreach (var item in current.Objects) Note(item.Owner, item.Acl.Keys);
        foreach (var acl in current.DefaultAcls) Note(acl.Owner, acl.Acl.Keys);
        IEnumerable<string> OwnersOf(string role) => grantors.TryGetValue(role, out var owners) ? owners : [];

        var superusers = current.MasterFacts.Superusers;
        var alone = dropped.Where(r => OwnersOf(r).Any(superusers.Contains)).ToList();
        var batched = dropped.Except(alone, StringComparer.Ordinal).ToList();
        foreach (var chunk in batched.Chunk(DropChunk).Concat(alone.Select(r => new[] { r })))
        {
            foreach (var role in chunk) context.ActAs(role);
            foreach (var owner in chunk.SelectMany(OwnersOf).Distinct().Order(StringComparer.Ordinal)) context.ActAs(owner);
            string names = string.Join(", ", chunk.Select(Ident.Quote));
            string who = Who(chunk);
            var log = new ChangeLog(Role: chunk.Length == 1 ? chunk[0] : who);
            if (chunk.Length > 1) RevokeAll(context, chunk, who, log);
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"give what {who} own{(chunk.Length == 1 ? "s" : "")} in this database to the master user", $"REASSIGN OWNED BY {names} TO CURRENT_USER") { Log = log });
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"revoke every privilege of {who} in this database", $"DROP OWNED BY {names}") { Log = log });
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                chunk.Length == 1 ? $"drop role {chunk[0]}" : $"drop {who}", $"DROP ROLE {names}") { Log = log });
        }
    }

    /// <summary>
    /// Takes a chunk's privileges off every object, schema, default ACL and the database in one statement each, naming
    /// all its roles: DROP OWNED BY a, b, … removes a role from an ACL one role at a time, so each catalog row was
    /// rewritten once per role, and every rewrite walks the longer version chain of the same transaction (300 roles on
    /// 40 objects: 11 s; quadratic). What grantors other than the owners leave is still for DROP OWNED.
    /// </summary>
    private static void RevokeAll(PlanContext context, string[] chunk, string who, ChangeLog log)
    {
        var current = context.Current;
        IEnumerable<string> In(ImmutableDictionary<string, Privilege> acl) => chunk.Where(acl.ContainsKey);
        // Only the database's owner may be sure to revoke there (another user without a grant option is refused).
        var onDatabase = current.Server.DatabaseOwner == context.Master ? In(current.DatabaseAcl).ToList() : [];
        if (onDatabase.Count > 0)
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole, $"revoke what {who} hold on database {context.Desired.Database}",
                $"REVOKE ALL ON DATABASE {Ident.Quote(context.Desired.Database)} FROM {SchemaPlanner.Grantees(onDatabase)}") { Log = log });
        foreach (var schema in current.Schemas.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var grantees = In(schema.Acl).ToList();
            if (grantees.Count > 0)
                context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole, $"revoke what {who} hold on schema {schema.Name}",
                    $"REVOKE ALL ON SCHEMA {Ident.Quote(schema.Name)} FROM {SchemaPlanner.Grantees(grantees)}") { Log = log with { Schema = schema.Name } });
        }
        foreach (var group in current.Objects.Where(o => In(o.Acl).Any()).GroupBy(o => (o.Schema, o.Kind)).OrderBy(g => g.Key.Schema, StringComparer.Ordinal).ThenBy(g => g.Key.Kind))
        foreach (var objects in group.Chunk(DropChunk))
        {
            var grantees = chunk.Where(r => objects.Any(o => o.Acl.ContainsKey(r))).ToList();
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"revoke what {who} hold on {objects.Length} {Privileges.KindPlural(group.Key.Kind).ToLowerInvariant()} in schema {group.Key.Schema}",
                $"REVOKE ALL ON {Privileges.KindSingular(group.Key.Kind)} {string.Join(", ", objects.Select(PrivilegePlanner.ObjectName))} FROM {SchemaPlanner.Grantees(grantees)}") { Log = log with { Schema = group.Key.Schema } });
        }
        foreach (var acl in current.DefaultAcls.Where(d => In(d.Acl).Any()).OrderBy(d => d.Owner, StringComparer.Ordinal).ThenBy(d => d.Schema, StringComparer.Ordinal).ThenBy(d => d.Kind))
        {
            string where = acl.IsGlobal ? "in every schema" : $"in schema {acl.Schema}";
            string inSchema = acl.IsGlobal ? "" : $" IN SCHEMA {Ident.Quote(acl.Schema)}";
            string plural = Privileges.DefaultKindPlural(acl.Kind);
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"revoke the default privileges {who} get on {plural.ToLowerInvariant()} {acl.Owner} creates {where}",
                $"ALTER DEFAULT PRIVILEGES FOR ROLE {Ident.Quote(acl.Owner)}{inSchema} REVOKE ALL ON {plural} FROM {SchemaPlanner.Grantees(In(acl.Acl))}") { Log = log });
        }
    }

    /// <summary>"app", or for a chunk "3 roles (a, b, c)" / "500 roles (a, b, c and 497 more)": the count and the first few.</summary>
    internal static string Who(IReadOnlyList<string> roles) => roles.Count switch
    {
        1 => roles[0],
        <= 3 => $"{roles.Count} roles ({string.Join(", ", roles)})",
        _ => $"{roles.Count} roles ({string.Join(", ", roles.Take(3))} and {roles.Count - 3} more)",
    };
}
