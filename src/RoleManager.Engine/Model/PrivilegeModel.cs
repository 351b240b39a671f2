namespace RoleManager.Model;

/// <summary>
/// What the declared layout lets each role do in the managed scope, directly (what must be granted to it) and
/// effectively (what it may do once its declared groups are counted: declared roles always INHERIT). The planner
/// converges the direct grants; the checker expects the effective ones. Pure.
/// </summary>
public static class PrivilegeModel
{
    /// <summary>
    /// The declared groups whose privileges <paramref name="role"/> uses, transitively (member_of of member_of ...), without
    /// the role: a membership declared with <c>inherit: false</c> gives nothing through it (the member must SET ROLE).
    /// </summary>
    public static IReadOnlyList<string> GroupsOf(DesiredState desired, string role)
    {
        var seen = new List<string>();
        var queue = new Queue<string>(InheritedGroups(desired.FindRole(role)));
        while (queue.TryDequeue(out var group))
        {
            if (group == role || seen.Contains(group)) continue;
            seen.Add(group);
            foreach (var next in InheritedGroups(desired.FindRole(group))) queue.Enqueue(next);
        }
        return seen;
    }

    private static IEnumerable<string> InheritedGroups(RoleSpec? role) =>
        role is null ? [] : role.MemberOf.Where(g => role.OptionsIn(g).Inherit);

    /// <summary>The role and its declared groups: whose grants the role uses.</summary>
    public static IEnumerable<string> SelfAndGroups(DesiredState desired, string role) => GroupsOf(desired, role).Prepend(role);

    /// <summary>The role (or one of its groups) owns the schema, and so every object the owner creates there.</summary>
    public static bool OwnsSchema(DesiredState desired, string role, SchemaSpec schema) =>
        SelfAndGroups(desired, role).Contains(schema.Owner);

    /// <summary>What must be granted to <paramref name="role"/> itself on every object of a kind in a schema it does not own.</summary>
    public static Privilege Direct(RoleSpec role, SchemaSpec schema, ObjectKind kind, int serverVersion)
    {
        if (role.Name == schema.Owner) return Privileges.AllFor(kind, serverVersion);
        var all = Privilege.None;
        foreach (var grant in role.Grants.Where(g => g.Schema == schema.Name))
        {
            all |= Privileges.ForProfile(grant.Profile, kind, serverVersion);
            if (grant.Execute && kind == ObjectKind.Routine) all |= Privilege.Execute;
        }
        return all;
    }

    /// <summary>
    /// What must be granted to <paramref name="role"/> itself on one table of a schema it does not own: its profiles'
    /// privileges on every table, and what a named grant adds on this one (<c>tables:</c>).
    /// </summary>
    public static Privilege DirectOnTable(RoleSpec role, SchemaSpec schema, string table, int serverVersion) =>
        Direct(role, schema, ObjectKind.Table, serverVersion) | role.NamedGrants
            .Where(g => !g.OnColumns && g.Schema == schema.Name && g.Table == table)
            .Aggregate(Privilege.None, (all, g) => all | g.Privileges);

    /// <summary>The role's named grants (tables and columns) in a schema.</summary>
    public static IEnumerable<NamedGrant> NamedIn(RoleSpec role, string schema) => role.NamedGrants.Where(g => g.Schema == schema);

    /// <summary>The named grants (tables and columns) <paramref name="role"/> holds in a schema, through itself and its declared groups.</summary>
    public static IEnumerable<NamedGrant> EffectiveNamed(DesiredState desired, string role, SchemaSpec schema) =>
        SelfAndGroups(desired, role).Select(desired.FindRole).OfType<RoleSpec>().SelectMany(r => NamedIn(r, schema.Name));

    /// <summary>Whether the role itself needs USAGE on the schema (it holds a grant there).</summary>
    public static bool NeedsUsage(RoleSpec role, SchemaSpec schema) =>
        role.Name != schema.Owner && role.Grants.Any(g => g.Schema == schema.Name);

    /// <summary>What <paramref name="role"/> may do, through itself and its declared groups, on objects of a kind in the schema.</summary>
    public static Privilege Effective(DesiredState desired, string role, SchemaSpec schema, ObjectKind kind, int serverVersion) =>
        SelfAndGroups(desired, role).Select(desired.FindRole).OfType<RoleSpec>()
            .Aggregate(Privilege.None, (all, r) => all | Direct(r, schema, kind, serverVersion));

    /// <summary>USAGE or USAGE and CREATE (owner) on the schema, through the role and its declared groups.</summary>
    public static Privilege EffectiveOnSchema(DesiredState desired, string role, SchemaSpec schema)
    {
        if (OwnsSchema(desired, role, schema)) return Privilege.Usage | Privilege.Create;
        return SelfAndGroups(desired, role).Select(desired.FindRole).OfType<RoleSpec>().Any(r => NeedsUsage(r, schema))
            ? Privilege.Usage : Privilege.None;
    }

    /// <summary>Database privileges (CONNECT, TEMPORARY, CREATE) the role holds through itself and its groups.</summary>
    public static Privilege EffectiveOnDatabase(DesiredState desired, string role) =>
        SelfAndGroups(desired, role).Select(desired.FindRole).OfType<RoleSpec>()
            .SelectMany(r => r.DatabasePrivileges).Aggregate(Privilege.None, (all, p) => all | ToPrivilege(p));

    public static Privilege ToPrivilege(DatabasePrivilege privilege) => privilege switch
    {
        DatabasePrivilege.Connect => Privilege.Connect,
        DatabasePrivilege.Temporary => Privilege.Temporary,
        DatabasePrivilege.Create => Privilege.Create,
        _ => Privilege.None,
    };
}
