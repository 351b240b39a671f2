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
        var builder = new PlanBuilder(current.Server.VersionNum);
        var context = new PlanContext(desired, current, builder);

        RolePlanner.PlanRoles(context);
        PrivilegePlanner.PlanDatabase(context);
        PlanExtensions(context);
        SchemaPlanner.PlanSchemas(context);
        var objects = OwnershipPlanner.PlanOwners(context);
        PrivilegePlanner.PlanObjects(context, objects);
        ColumnPlanner.PlanColumns(context, objects);
        DefaultPrivilegePlanner.PlanDefaultPrivileges(context);
        RolePlanner.PlanDrops(context);

        var dropped = desired.Roles.Where(r => r.Drop && current.Roles.ContainsKey(r.Name)).Select(r => r.Name).ToHashSet();
        return builder.Build(context.AlreadyActsAs, dropped);
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

        var superusers = desired.PresentRoles.Where(r => current.Roles.TryGetValue(r.Name, out var c) && c.Superuser && !current.Server.CurrentUserIsSuperuser).Select(r => r.Name).ToList();
        if (superusers.Count > 0)
            throw new PlanException(
                $"Declared role(s) {string.Join(", ", superusers)} are superusers; the master user cannot manage a superuser. " +
                "Remove them from the config or have a superuser run ALTER ROLE ... NOSUPERUSER first.");
    }

    private static void PlanExtensions(PlanContext context)
    {
        foreach (var extension in context.Desired.Extensions.Where(e => !context.Current.Extensions.Contains(e)))
            context.Builder.Add(Phase.Extensions, new Change(ChangeKind.CreateExtension,
                $"create extension {extension}", $"CREATE EXTENSION IF NOT EXISTS {Ident.Quote(extension)}"));
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

    /// <summary>True when the master user already has what it needs to act for <paramref name="role"/>.</summary>
    public bool AlreadyActsAs(string role)
    {
        if (Current.Server.CurrentUserIsSuperuser || role == Master) return true;
        if (Current.Roles.TryGetValue(role, out var r)) return r.CurrentUserHasPrivileges && r.CurrentUserCanSetRole;
        if (Desired.FindRole(role) is not null) return false; // created by this plan: no membership yet
        // An undeclared owner: the inspector recorded whether the master has its privileges on each object.
        return OwnersWithPrivileges.Contains(role);
    }

    public ImmutableHashSet<string> OwnersWithPrivileges { get; } =
        current.Objects.Where(o => o.CurrentUserHasOwnerPrivileges).Select(o => o.Owner)
            .Concat(current.Schemas.Values.Where(s => s.CurrentUserHasOwnerPrivileges).Select(s => s.Owner))
            .ToImmutableHashSet();

    /// <summary>Records that a change needs the privileges of <paramref name="owner"/>, unless the master is that owner.</summary>
    public void ActAs(string owner)
    {
        if (owner != Master && !Current.Server.CurrentUserIsSuperuser) Builder.NeedActAs(owner);
    }

    /// <summary>The profiles a role holds on a schema (owner excluded: ownership is implicit).</summary>
    public IEnumerable<Profile> ProfilesOn(RoleSpec role, string schema) =>
        role.Grants.Where(g => g.Schema == schema).Select(g => g.Profile);
}
