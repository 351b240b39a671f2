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
            {
                NoteMissingAdmin(context, role);
                PlanExistingRole(context, role, current);
            }
            else
                PlanNewRole(context, role);
            PasswordPlanner.PlanPassword(context, role, current);
            SettingsPlanner.Plan(context, role, current);
            MembershipPlanner.Plan(context, role, current);
        }
    }

    /// <summary>
    /// From 16 the master needs ADMIN OPTION on a role to act as it (what plan and check do as the role) and to change it;
    /// on a declared role whose ADMIN OPTION a superuser took (fuzz seed 89: <c>REVOKE migrator FROM master</c>), or that
    /// another role created, that is a finding with the grant that gives it back, not a run that stops with 42501.
    /// </summary>
    private static void NoteMissingAdmin(PlanContext context, RoleSpec role)
    {
        var facts = context.Current.MasterFacts;
        if (context.Version < 160000 || !facts.IsKnown || role.Name == context.Master || facts.AdminOf.Contains(role.Name)
            || context.Current.Server.CurrentUserIsSuperuser || context.AlreadyActsAs(role.Name)) return;
        context.Builder.AddFinding(new Finding($"role {role.Name}",
            $"the master user {context.Master} holds no ADMIN OPTION on {role.Name} (a superuser took it, or another role created {role.Name}): " +
            $"from PostgreSQL 16 it can neither act as {role.Name} nor change it, so what needs that is not planned and check cannot probe as it. " +
            "Have a superuser run the statement shown; the next apply does the rest",
            $"GRANT {Ident.Quote(role.Name)} TO {Ident.Quote(context.Master)} WITH ADMIN OPTION"));
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
        // The config declares no expiry: one set by hand (a past one refuses every password login) is drift.
        if (current.ValidUntil is not null && role.Name != context.Master) clauses.Add("VALID UNTIL 'infinity'");
        // A login that becomes an IAM login now (rds_iam not held yet) loses the password it had: RDS would refuse it,
        // and on a server without IAM it would stay a way in that the layout no longer declares. The master cannot read
        // pg_authid, so this is the one moment the planner knows a password may be there.
        if (role.Login && role.Auth == AuthMode.Iam && !current.MemberOf.Contains(RdsIam)) clauses.Add("PASSWORD NULL");
        if (clauses.Count == 0) return;
        context.Builder.Add(Phase.AlterRoles, new Change(ChangeKind.AlterRole,
            $"set {string.Join(", ", clauses)} on role {role.Name}",
            $"ALTER ROLE {Ident.Quote(role.Name)} WITH {string.Join(" ", clauses)}") { Log = new(Role: role.Name) });
    }

    /// <summary>Roles per DROP/REASSIGN/DROP OWNED statement: long enough that 5,000 drops are 30 statements, short enough to read.</summary>
    internal const int DropChunk = 500;

    /// <summary>
    /// Explicit drops, batched: <c>DROP OWNED BY</c> and <c>DROP ROLE</c> take a role list, so each chunk of
    /// <see cref="DropChunk"/> roles is a few statements (one per role made 5,000 drops 15,000 statements). A role that a
    /// superuser granted something stays on its own: its unit becomes a finding without holding back the others.
    /// Ownership is privilege, so what a retiring role owns never goes to the master (no <c>REASSIGN OWNED ... TO
    /// CURRENT_USER</c>): its inert objects in the managed schemas go to the schema owner (<see cref="OwnershipPlanner"/>,
    /// an earlier phase); everything else it owns here goes to its <c>reassign_owned_to</c> role, or its drop is not
    /// planned and a finding names each object and the way out (<see cref="Retirable"/>).
    /// </summary>
    /// <returns>The roles whose drop is planned.</returns>
    public static HashSet<string> PlanDrops(PlanContext context)
    {
        var current = context.Current;
        var dropped = context.Desired.Roles.Where(r => r.Drop && current.Roles.ContainsKey(r.Name))
            .Where(r => Retirable(context, r)).Select(r => r.Name).ToList();
        if (dropped.Count == 0) return [];
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
        // The roles that own something outside the managed schemas, by the role they leave it to.
        var heirs = current.OwnedByRetiring.Where(o => !o.Handled && wanted.Contains(o.Role)).Select(o => o.Role).Distinct()
            .ToDictionary(r => r, r => context.Desired.FindRole(r)!.ReassignOwnedTo!, StringComparer.Ordinal);

        var superusers = current.MasterFacts.Superusers;
        var alone = dropped.Where(r => OwnersOf(r).Any(superusers.Contains)).ToList();
        var batched = dropped.Except(alone, StringComparer.Ordinal).ToList();
        foreach (var chunk in batched.Chunk(DropChunk).Concat(alone.Select(r => new[] { r })))
        {
            using var unit = context.Builder.BeginUnit();
            foreach (var role in chunk) context.ActAs(role);
            foreach (var owner in chunk.SelectMany(OwnersOf).Distinct().Order(StringComparer.Ordinal)) context.ActAs(owner);
            var byHeir = chunk.Where(heirs.ContainsKey).GroupBy(r => heirs[r], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            foreach (var heir in byHeir) context.ActAs(heir.Key);
            string names = string.Join(", ", chunk.Select(Ident.Quote));
            string who = Who(chunk);
            var log = new ChangeLog(Role: chunk.Length == 1 ? chunk[0] : who);
            if (chunk.Length > 1) RevokeAll(context, chunk, who, log);
            foreach (var heir in byHeir)
            {
                var givers = heir.ToList();
                context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                    $"give what {Who(givers)} own{(givers.Count == 1 ? "s" : "")} outside the managed schemas to {heir.Key} (reassign_owned_to)",
                    $"REASSIGN OWNED BY {string.Join(", ", givers.Select(Ident.Quote))} TO {Ident.Quote(heir.Key)}") { Log = log });
            }
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"check that {who} own{(chunk.Length == 1 ? "s" : "")} nothing the plan did not see", NothingOwnedGuard(chunk)) { Log = log });
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"revoke every privilege of {who} in this database", $"DROP OWNED BY {names}") { Log = log });
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                chunk.Length == 1 ? $"drop role {chunk[0]}" : $"drop {who}", $"DROP ROLE {names}") { Log = log });
        }
        return wanted;
    }

    /// <summary>
    /// Whether the drop of <paramref name="role"/> can be planned; otherwise a finding says why and what to do, and the
    /// rest of the plan applies. Not planned: on 16+, a role the master has no ADMIN OPTION on (it cannot act as it, nor
    /// drop it); a role that owns code in a managed schema (which the ownership planner will not hand to the schema owner);
    /// a role that owns objects elsewhere in this database without a <c>reassign_owned_to</c> role to take them (never the
    /// master); and a role that owns a database, a tablespace or objects in another database (no run here can move them).
    /// </summary>
    private static bool Retirable(PlanContext context, RoleSpec role)
    {
        var current = context.Current;
        string q = Ident.Quote(role.Name);
        if (context.Version >= 160000 && current.MasterFacts.IsKnown && !current.MasterFacts.AdminOf.Contains(role.Name))
        {
            context.Builder.AddFinding(new Finding($"role {role.Name}",
                $"{role.Name} is to be dropped, but it was created by another role and the master user {context.Master} has no ADMIN OPTION on it, " +
                $"which PostgreSQL 16+ requires to act as it and drop it. Have its creator or a superuser run the statement shown; or drop it by hand",
                $"GRANT {q} TO {Ident.Quote(context.Master)} WITH ADMIN OPTION"));
            return false;
        }
        var code = current.Objects.Where(o => o.Owner == role.Name && !o.ExtensionMember && OwnershipPlanner.CarriesForeignCode(o, context.Master)
                                              && context.Desired.Schemas.Any(s => s.Name == o.Schema && s.Owner != role.Name)).ToList();
        if (code.Count > 0)
        {
            context.Builder.AddFinding(new Finding($"role {role.Name}",
                $"{role.Name} is to be dropped, but it owns code in managed schemas that RoleManager will not hand to the schema owner: " +
                $"{Listed(code.Select(o => $"{OwnershipPlanner.Keyword(o).ToLowerInvariant()} {o.Schema}.{o.Name}{(o.Kind == ObjectKind.Routine ? $"({o.Signature})" : "")}"))}. " +
                "Review each, then run the statements shown (or drop the objects); the next apply drops the role",
                string.Join("\n", code.Select(o => $"ALTER {OwnershipPlanner.Keyword(o)} {PrivilegePlanner.ObjectName(o)} OWNER TO " +
                    $"{Ident.Quote(context.Desired.Schemas.First(s => s.Name == o.Schema).Owner)};"))));
            return false;
        }
        var left = current.OwnedByRetiring.Where(o => o.Role == role.Name && !o.Handled).ToList();
        var immovable = left.Where(o => o.Schema is null && o.Kind is "database" or "tablespace" or "objects in another database").ToList();
        if (immovable.Count > 0)
        {
            context.Builder.AddFinding(new Finding($"role {role.Name}",
                $"{role.Name} is to be dropped, but it owns {Listed(immovable.Select(Describe))}, which a run on database {context.Desired.Database} cannot move. " +
                "Give them to another role (or drop them) by hand; the next apply drops the role",
                $"-- in each database concerned, after review:\nREASSIGN OWNED BY {q} TO <an unprivileged role>;"));
            return false;
        }
        if (left.Count > 0 && role.ReassignOwnedTo is null)
        {
            context.Builder.AddFinding(new Finding($"role {role.Name}",
                $"{role.Name} is to be dropped, but it owns {left.Count} object(s) outside the managed schemas: {Listed(left.Select(Describe))}. " +
                "RoleManager never gives them to the master user. Name the role to take them with 'reassign_owned_to: <role>' on " +
                $"{role.Name} (a declared, unprivileged role: it becomes the owner of any code among them), or drop or move them by hand",
                $"REASSIGN OWNED BY {q} TO <an unprivileged role>"));
            return false;
        }
        if (role.ReassignOwnedTo is { } heir && left.Count > 0 && (heir == context.Master || heir == current.Server.DatabaseOwner))
        {
            context.Builder.AddFinding(new Finding($"role {role.Name}",
                $"reassign_owned_to names {heir}, the master user or the database owner: RoleManager never makes it the owner of what a retiring role wrote. Name an unprivileged role",
                $"REASSIGN OWNED BY {q} TO <an unprivileged role>"));
            return false;
        }
        return true;
    }

    private static string Describe(OwnedObject o) => $"{o.Kind} {o.Identity}";

    /// <summary>"a, b, c", or the first 20 and how many more: a finding stays readable.</summary>
    private static string Listed(IEnumerable<string> items)
    {
        var all = items.ToList();
        return all.Count <= 20 ? string.Join(", ", all) : $"{string.Join(", ", all.Take(20))} and {all.Count - 20} more";
    }

    /// <summary>
    /// Stops the transaction (2BP01, nothing applied) when the roles about to go still own anything in this database or a
    /// shared object: something made after the inspection, which DROP OWNED would otherwise delete. Default privileges and
    /// user mappings are DROP OWNED's to remove. Reads pg_catalog only (the session's search_path is pinned).
    /// </summary>
    internal static string NothingOwnedGuard(IReadOnlyList<string> roles)
    {
        string names = string.Join(", ", roles.Select(r => Ident.Literal(r)));
        string message = Ident.Literal($"{Who(roles)} own objects that the plan did not see (made after it was read); nothing was changed");
        return "DO $rm_guard$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_shdepend s " +
               "WHERE s.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_authid'::pg_catalog.regclass AND s.deptype OPERATOR(pg_catalog.=) 'o' " +
               $"AND s.refobjid IN (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) ANY (ARRAY[{names}]::pg_catalog.name[])) " +
               "AND s.classid NOT IN ('pg_catalog.pg_default_acl'::pg_catalog.regclass, 'pg_catalog.pg_user_mapping'::pg_catalog.regclass) " +
               "AND (s.dbid OPERATOR(pg_catalog.=) 0::pg_catalog.oid OR s.dbid OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()))" +
               $") THEN RAISE EXCEPTION USING ERRCODE = '2BP01', MESSAGE = {message}, HINT = 'Plan again: the new plan names them.'; END IF; END $rm_guard$";
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
                    $"REVOKE ALL ON SCHEMA {Ident.Quote(schema.Name)} FROM {SchemaPlanner.Grantees(grantees)}") { Log = log with { Schema = schema.Name }, Target = ChangeTarget.OnSchema(schema.Name) });
        }
        foreach (var group in current.Objects.Where(o => In(o.Acl).Any()).GroupBy(o => (o.Schema, o.Kind)).OrderBy(g => g.Key.Schema, StringComparer.Ordinal).ThenBy(g => g.Key.Kind))
        foreach (var objects in group.Chunk(DropChunk))
        {
            var grantees = chunk.Where(r => objects.Any(o => o.Acl.ContainsKey(r))).ToList();
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"revoke what {who} hold on {objects.Length} {Privileges.KindPlural(group.Key.Kind).ToLowerInvariant()} in schema {group.Key.Schema}",
                $"REVOKE ALL ON {Privileges.KindSingular(group.Key.Kind)} {string.Join(", ", objects.Select(PrivilegePlanner.ObjectName))} FROM {SchemaPlanner.Grantees(grantees)}") { Log = log with { Schema = group.Key.Schema }, Target = ChangeTarget.On(group.Key.Schema, objects.Select(o => o.Name)) });
        }
        foreach (var acl in current.DefaultAcls.Where(d => In(d.Acl).Any()).OrderBy(d => d.Owner, StringComparer.Ordinal).ThenBy(d => d.Schema, StringComparer.Ordinal).ThenBy(d => d.Kind))
        {
            string where = acl.IsGlobal ? "in every schema" : $"in schema {acl.Schema}";
            string inSchema = acl.IsGlobal ? "" : $" IN SCHEMA {Ident.Quote(acl.Schema)}";
            string plural = Privileges.DefaultKindPlural(acl.Kind);
            context.Builder.Add(Phase.Drops, new Change(ChangeKind.DropRole,
                $"revoke the default privileges {who} get on {plural.ToLowerInvariant()} {acl.Owner} creates {where}",
                $"ALTER DEFAULT PRIVILEGES FOR ROLE {Ident.Quote(acl.Owner)}{inSchema} REVOKE ALL ON {plural} FROM {SchemaPlanner.Grantees(In(acl.Acl))}")
                { Log = log, Target = acl.IsGlobal ? ChangeTarget.None : ChangeTarget.AllIn(acl.Schema) });
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
