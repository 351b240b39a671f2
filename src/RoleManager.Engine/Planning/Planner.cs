using System.Collections.Immutable;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// The pure heart of the engine: desired state + current state → ordered changes. No I/O, no clock,
/// no randomness: the same inputs always give the same plan, and a converged database gives an empty one.
/// Scope: the declared roles and schemas (and CREATE on <c>public</c>); undeclared roles are never changed.
/// </summary>
public static class Planner
{
    public static Plan Plan(DesiredState desired, CurrentState current)
    {
        CheckServerFits(desired, current);
        GroupRoleGuard.Check(desired, current);
        // Administrators the config does not declare are drift, not an error: each is a finding, and the rest is planned without them.
        var refusals = ProtectedRoles.Check(desired, current);
        desired = refusals.Without(desired);
        var builder = new PlanBuilder(current.Server.VersionNum);
        foreach (var finding in refusals.Findings) builder.AddFinding(finding);
        var context = new PlanContext(desired, current, builder);

        RolePlanner.PlanRoles(context);
        PrivilegePlanner.PlanDatabase(context);
        DatabaseSettingsPlanner.Plan(context);
        PlanExtensions(context);
        SchemaPlanner.PlanSchemas(context);
        var objects = OwnershipPlanner.PlanOwners(context);
        PrivilegePlanner.PlanObjects(context, objects);
        ColumnPlanner.PlanColumns(context, objects);
        DefaultPrivilegePlanner.PlanDefaultPrivileges(context);
        // Only the roles whose drop is planned: one whose drop is a finding keeps its acting-as end (it stays).
        var dropped = RolePlanner.PlanDrops(context);
        var plan = builder.Build(context.HowToActAs, dropped);
        Preflight.Check(plan, desired, current);
        return refusals.Roles.IsEmpty ? plan : plan with { Unmanaged = refusals.Roles };
    }

    private static void CheckServerFits(DesiredState desired, CurrentState current)
    {
        if (!string.Equals(desired.Database, current.Server.Database, StringComparison.Ordinal))
            throw new PlanException(
                $"The configuration is for database \"{desired.Database}\" but the connection is to \"{current.Server.Database}\". " +
                "Connect to the configured database (PGDATABASE / DB_NAME) or fix 'database' in the config.");

        var iamRoles = desired.PresentRoles.Where(r => r.Auth == AuthMode.Iam).Select(r => r.Name).ToList();
        if (iamRoles.Count > 0 && !current.Server.HasRdsIam)
            throw new PlanException(
                $"This server has no \"rds_iam\" role, so IAM database authentication (auth: iam) is not possible for {string.Join(", ", iamRoles)}. " +
                "RDS and Aurora always have it; on a local or self-hosted PostgreSQL use '--auth password' (or '--auth none' with trust authentication), " +
                "or set 'auth: password' / 'auth: none' on those roles in the config.");

        // Only adopted ones: a superuser the config does not adopt is left alone with a finding (ProtectedRoles).
        var superusers = desired.PresentRoles.Where(r => r.Adopt && current.Roles.TryGetValue(r.Name, out var c) && c.Superuser && !current.Server.CurrentUserIsSuperuser).Select(r => r.Name).ToList();
        if (superusers.Count > 0)
            throw new PlanException(
                $"Declared role(s) {string.Join(", ", superusers)} are superusers; the master user cannot manage a superuser. " +
                "Remove them from the config or have a superuser run ALTER ROLE ... NOSUPERUSER first.");
    }

    /// <summary>
    /// A missing extension is created in its configured schema, else the first managed schema, so the roles whose
    /// search_path is that schema find it. Creating objects there needs the schema owner's CREATE: act as it.
    /// </summary>
    private static void PlanExtensions(PlanContext context)
    {
        foreach (var extension in context.Desired.Extensions.Where(e => !context.Current.Extensions.Contains(e)))
        {
            string? schema = context.Desired.ExtensionSchema(extension);
            string? owner = context.Desired.Schemas.FirstOrDefault(s => s.Name == schema)?.Owner
                            ?? (schema is not null && context.Current.Schemas.TryGetValue(schema, out var live) ? live.Owner : null);
            using var unit = context.Builder.BeginUnit();
            if (owner is not null) context.ActAs(owner);
            string create = $"CREATE EXTENSION IF NOT EXISTS {Ident.Quote(extension)}{(schema is null ? "" : " SCHEMA " + Ident.Quote(schema))}";
            context.Builder.Add(Phase.Extensions, new Change(ChangeKind.CreateExtension,
                schema is null ? $"create extension {extension}" : $"create extension {extension} in schema {schema}",
                schema is null ? create : ExtensionSchemaGuard(schema, extension) + "; " + create)
            { Log = new(Schema: schema ?? ChangeLog.NotApplicable, Object: $"extension {extension}"), Target = schema is null ? ChangeTarget.None : ChangeTarget.OnSchema(schema) });
        }
    }

    /// <summary>
    /// PostgreSQL runs an extension's script with the rights of whoever creates it (the master; for a trusted extension,
    /// the bootstrap superuser) and with the target schema first on its search_path. A function or operator that someone
    /// else put in that schema (the migrator owns it) can then win overload resolution over pg_catalog's and run with
    /// those rights. So, in the same transaction and just before, the schema must hold no routine or operator that is
    /// not the master's own or an extension's; otherwise the run stops with 42501 and nothing is applied. A schema this
    /// run creates is empty. The check itself reads only pg_catalog (the session's search_path is pinned).
    /// </summary>
    internal static string ExtensionSchemaGuard(string schema, string extension)
    {
        string nsp = $"{Ident.Literal(Ident.Quote(schema))}::pg_catalog.regnamespace";
        string message = Ident.Literal(
            $"extension \"{extension}\" was not created: schema \"{schema}\" holds routines or operators that another role owns, " +
            "and PostgreSQL would run the extension's script with the master's rights and that schema first on its search_path, " +
            "where they could run in its place");
        string hint = Ident.Literal(
            $"Give the extension a schema only the master user writes to (extensions: [{{name: {extension}, schema: <schema>}}]), " +
            "or have an administrator create it by hand.");
        return "DO $rm_guard$ BEGIN IF EXISTS (" +
               $"SELECT 1 FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) {nsp} AND p.proowner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) " +
               "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e') " +
               $"UNION ALL SELECT 1 FROM pg_catalog.pg_operator o WHERE o.oprnamespace OPERATOR(pg_catalog.=) {nsp} AND o.oprowner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) " +
               "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_operator'::pg_catalog.regclass AND d.objid OPERATOR(pg_catalog.=) o.oid AND d.deptype OPERATOR(pg_catalog.=) 'e')" +
               $") THEN RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = {message}, HINT = {hint}; END IF; END $rm_guard$";
    }
}

/// <summary>What the parts of the planner share while they work.</summary>
internal sealed class PlanContext(DesiredState desired, CurrentState current, PlanBuilder builder)
{
    public DesiredState Desired { get; } = desired;
    public CurrentState Current { get; } = current;
    public PlanBuilder Builder { get; } = builder;
    public int Version => Current.Server.VersionNum;
    public string Master => Current.Server.CurrentUser;

    public IEnumerable<RoleSpec> PresentRoles => Desired.PresentRoles;

    public ImmutableHashSet<string> DeclaredNames { get; } = desired.Roles.Select(r => r.Name).ToImmutableHashSet();

    /// <summary>
    /// Managed schemas whose hand-over to their declared owner is a finding (the master cannot act as their owner), with
    /// the owner each keeps through the plan: what needs the schema's owner there cannot be done before a superuser's fix.
    /// </summary>
    public Dictionary<string, string> KeptSchemaOwners { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Acts as the owner <paramref name="schema"/> has once the schema changes ran: <paramref name="declaredOwner"/>, or
    /// the one it keeps (<see cref="KeptSchemaOwners"/>), so that those changes become a finding too. Acting as the declared
    /// owner there was refused (42501): it holds nothing on a schema that is not yet its own (fuzz seed 29 on 17).
    /// </summary>
    public void ActAsSchemaOwner(string schema, string declaredOwner) => ActAs(KeptSchemaOwners.GetValueOrDefault(schema, declaredOwner));

    /// <summary>True when the master user already has what it needs to act for <paramref name="role"/>.</summary>
    public bool AlreadyActsAs(string role)
    {
        if (Current.Server.CurrentUserIsSuperuser || role == Master) return true;
        if (Current.Roles.TryGetValue(role, out var r)) return r.CurrentUserHasPrivileges && r.CurrentUserCanSetRole;
        // Created by this plan: on 16+ createrole_self_grant may already give the master SET and INHERIT on it.
        if (Desired.FindRole(role) is not null)
            return Version >= 160000 && Current.MasterFacts.SelfGrants("set") && Current.MasterFacts.SelfGrants("inherit");
        // An undeclared owner: the inspector recorded whether the master has its privileges on each object.
        return OwnersWithPrivileges.Contains(role);
    }

    /// <summary>
    /// How to act for <paramref name="role"/> and leave the master's memberships exactly as they were: before 16 a
    /// membership the master already has is never granted again (its REVOKE would delete it); from 16 the grant
    /// touches only the row whose grantor is the master, so an existing such row gets its options put back.
    /// </summary>
    public ActingAs HowToActAs(string role)
    {
        if (AlreadyActsAs(role)) return ActingAs.Already;
        var facts = Current.MasterFacts;
        bool createdByPlan = !Current.Roles.ContainsKey(role) && Desired.FindRole(role) is not null;
        if (Version < 160000)
            return facts.IsMemberOf(role) ? ActingAs.Already : ActingAs.GrantThenRevoke;
        if (createdByPlan)
        {
            bool set = facts.SelfGrants("set"), inherit = facts.SelfGrants("inherit");
            return set || inherit ? new ActingAs(ActingAsKind.GrantThenRestore, inherit, set) : ActingAs.GrantThenRevoke;
        }
        return facts.OwnGrantOf(role) is { } own
            ? new ActingAs(ActingAsKind.GrantThenRestore, own.Inherit ?? false, own.Set ?? false)
            : ActingAs.GrantThenRevoke;
    }

    public ImmutableHashSet<string> OwnersWithPrivileges { get; } =
        current.Objects.Where(o => o.CurrentUserHasOwnerPrivileges).Select(o => o.Owner)
            .Concat(current.Schemas.Values.Where(s => s.CurrentUserHasOwnerPrivileges).Select(s => s.Owner))
            .ToImmutableHashSet();

    /// <summary>
    /// Records that the next change(s) need the privileges of <paramref name="owner"/>, unless the master is that owner.
    /// A superuser owner is never acted as: those changes become a finding with their SQL, and are not planned.
    /// </summary>
    public void ActAs(string owner)
    {
        if (owner == Master || Current.Server.CurrentUserIsSuperuser) Builder.NeedNoActAs();
        else if (Current.MasterFacts.Superusers.Contains(owner)) Builder.CannotActAs(owner, changes => SuperuserOwned(Current, owner, changes));
        else if (CannotGrantItself(owner))
            Builder.CannotActAs(owner, changes => SuperuserOwned(Current, owner, changes),
                $"belongs to \"{owner}\", on which the master user holds no ADMIN OPTION: from PostgreSQL 16 it cannot act as that role " +
                $"(GRANT \"{owner}\" TO CURRENT_USER is refused, 42501; a superuser gives it back with GRANT \"{owner}\" TO \"{Master}\" WITH ADMIN OPTION), so it cannot");
        else Builder.NeedActAs(owner);
    }

    /// <summary>
    /// From 16 the master acts as a role by granting it to itself, which needs ADMIN OPTION on it (finding 8): an
    /// undeclared owner of a managed schema that a superuser made gives it none; nor does a declared role whose ADMIN
    /// OPTION a superuser took from the master (fuzz seed 89: <c>REVOKE migrator FROM master</c>).
    /// </summary>
    private bool CannotGrantItself(string owner) =>
        Version >= 160000 && !AlreadyActsAs(owner)
        && (Desired.FindRole(owner) is null
            ? Current.Schemas.Values.Any(s => s.Owner == owner && !s.CurrentUserHasAdminOnOwner)
            : Current.Roles.ContainsKey(owner) && Current.MasterFacts.IsKnown && !Current.MasterFacts.AdminOf.Contains(owner));

    /// <summary>
    /// Names what of <paramref name="superuser"/>'s the blocked changes touch, e.g. <c>schema public</c> or <c>table app.audit</c>:
    /// from each change's <see cref="Change.Target"/>, never its SQL (a chunked GRANT's log says only "12 tables").
    /// </summary>
    internal static string SuperuserOwned(CurrentState current, string superuser, IReadOnlyList<Change> changes)
    {
        var names = current.Schemas.Values.Where(s => s.Owner == superuser && changes.Any(c => c.Target.Touches(s.Name)))
            .Select(s => $"schema {s.Name}")
            .Concat(current.Objects.Where(o => o.Owner == superuser && changes.Any(c => c.Target.Touches(o.Schema, o.Name)))
                .Select(o => $"{o.Kind.ToString().ToLowerInvariant()} {o.Schema}.{o.Name}"))
            .Distinct().ToList();
        return names.Count switch
        {
            0 => $"what the superuser {superuser} granted or owns",
            <= 3 => string.Join(", ", names),
            _ => $"{string.Join(", ", names.Take(3))} and {names.Count - 3} more",
        };
    }

    /// <summary>The profiles a role holds on a schema (owner excluded: ownership is implicit).</summary>
    public IEnumerable<Profile> ProfilesOn(RoleSpec role, string schema) =>
        role.Grants.Where(g => g.Schema == schema).Select(g => g.Profile);
}
