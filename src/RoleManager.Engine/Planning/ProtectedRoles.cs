using System.Collections.Immutable;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Sql;

namespace RoleManager.Planning;

/// <summary>
/// The protected-role rule, checked while planning, so before any statement runs: the connected (master) user, the
/// database owner, <c>rds_*</c>/<c>pg_*</c> roles and administrators — superusers, roles with CREATEROLE, roles with a
/// membership (through any chain) in <c>rds_superuser</c>, a superuser or a CREATEROLE role — are never altered,
/// granted to, dropped or reassigned unless the config says <c>adopt: true</c> on that role; and no declared membership
/// may lead, directly or through other roles, into such a role unless the member itself says <c>adopt: true</c>.
/// <para>
/// Where the line runs between a mistake in the config and drift in the database:
/// <list type="bullet">
/// <item>a config error (<see cref="PlanException"/>, exit 1, nothing runs): declaring the master, the database owner or
/// an <c>rds_*</c>/<c>pg_*</c> role, or a membership the role does not hold yet into a role that is or leads to an
/// administrator (the config would be the one handing out the power);</item>
/// <item>drift (a finding, the rest of the layout planned): a declared role that is an administrator because of what was
/// done on the server — CREATEROLE, SUPERUSER, a path into <c>rds_superuser</c>, a superuser or a CREATEROLE role. The
/// role (and a schema it owns) is left exactly as it is, and the finding names both ways out: remove it from the config,
/// or <c>adopt: true</c>; or, if the power was given by mistake, the SQL that takes it away.</item>
/// </list>
/// A membership in a predefined <c>pg_*</c> role (<c>pg_write_all_data</c>, <c>pg_read_all_data</c>, …) or another
/// <c>rds_*</c> role does not make a role an administrator: it is an undeclared membership, which
/// <see cref="RolePlanner"/> revokes like any other.
/// </para>
/// </summary>
/// <remarks>
/// CREATEROLE: a role the config itself declares with <c>createrole: true</c> is the config's own privileged role (it
/// creates it with CREATEROLE, and the next run must still manage it), so CREATEROLE alone does not protect it; a
/// pre-existing role with CREATEROLE that the config declares without <c>createrole: true</c> is protected. Who may
/// write <c>createrole: true</c> at all is the configuration's business (event configs cannot, see docs/security.md).
/// </remarks>
internal static class ProtectedRoles
{
    public const string RdsSuperuser = "rds_superuser";

    /// <summary>
    /// Throws for what is wrong in the config; returns the declared administrators the plan must leave alone (drift),
    /// each with its finding.
    /// </summary>
    public static Refusals Check(DesiredState desired, CurrentState current)
    {
        var problems = new List<string>();
        foreach (var role in desired.Roles.Where(r => !r.Adopt))
        {
            var reasons = ConfigReasons(role.Name, current);
            if (reasons.Count > 0)
                problems.Add($"Role \"{role.Name}\" is protected: {string.Join("; ", reasons)}. RoleManager never alters, grants to, " +
                             $"{(role.Drop ? "drops or reassigns it (drop: true)" : "drops or reassigns a protected role")}. " +
                             $"Remove \"{role.Name}\" from the config, or add 'adopt: true' to it if RoleManager is really to manage it.");
        }

        // A group is privileged when it is protected for what it is, or is (to be) a member of a privileged group.
        // A role the config gives CREATEROLE is privileged from the start (a membership in it is SET ROLE to CREATEROLE).
        var privileged = desired.Roles.Where(r => Reasons(r.Name, null, current).Count > 0 || r is { CreateRole: true, Drop: false })
            .Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var role in desired.PresentRoles.Where(r => !privileged.Contains(r.Name) && r.MemberOf.Any(privileged.Contains)))
                grew |= privileged.Add(role.Name);
        }
        // Only a membership the role does not hold yet: one it holds already puts the role itself on a path into an
        // administrator, which is drift (the role is refused below, with a finding).
        foreach (var role in desired.PresentRoles.Where(r => !r.Adopt))
        foreach (var group in role.MemberOf.Where(g => privileged.Contains(g) && !HoldsMembership(current, role.Name, g)))
            problems.Add($"Role \"{role.Name}\" may not be made a member of \"{group}\": {group} is or leads to a protected role " +
                         $"({string.Join("; ", Reasons(group, null, current).DefaultIfEmpty(desired.FindRole(group)?.CreateRole == true ? "the config gives it CREATEROLE" : "it is declared a member of a protected role"))}), " +
                         $"so the membership would hand {role.Name} privileged rights. Remove \"{group}\" from {role.Name}'s member_of, " +
                         $"or add 'adopt: true' to \"{role.Name}\" if it is meant to be privileged.");

        if (problems.Count > 0)
            throw new PlanException(problems.Count == 1 ? problems[0]
                : $"The configuration touches {problems.Count} protected roles:\n  - " + string.Join("\n  - ", problems));

        var refused = desired.Roles.Where(r => !r.Adopt && current.Roles.ContainsKey(r.Name))
            .Select(r => (Role: r, Reasons: AdminReasons(r.Name, r, current))).Where(x => x.Reasons.Count > 0).ToList();
        return new Refusals(
            refused.Select(x => x.Role.Name).ToImmutableArray(),
            refused.Select(x => Finding(x.Role, x.Reasons, desired, current)).ToImmutableArray());
    }

    /// <summary>
    /// Why <paramref name="name"/> is protected (empty when it is not). <paramref name="declared"/> is its spec when the
    /// question is whether the config may manage it (its own <c>createrole: true</c> then acknowledges CREATEROLE).
    /// </summary>
    public static List<string> Reasons(string name, RoleSpec? declared, CurrentState current) =>
        [.. ConfigReasons(name, current), .. AdminReasons(name, declared, current)];

    /// <summary>What the config alone gets wrong: the names that are never the config's to manage.</summary>
    private static List<string> ConfigReasons(string name, CurrentState current)
    {
        var reasons = new List<string>();
        var server = current.Server;
        if (name == server.CurrentUser) reasons.Add("it is the connected (master) user");
        else if (name == server.DatabaseOwner) reasons.Add("it owns the database");
        if (name.StartsWith("rds_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("pg_", StringComparison.OrdinalIgnoreCase))
            reasons.Add("rds_* and pg_* roles belong to RDS and PostgreSQL");
        return reasons;
    }

    /// <summary>What makes an existing role an administrator on this server (a predefined <c>pg_*</c> membership does not).</summary>
    private static List<string> AdminReasons(string name, RoleSpec? declared, CurrentState current)
    {
        var reasons = new List<string>();
        bool superuser = current.MasterFacts.Superusers.Contains(name);
        if (current.Roles.TryGetValue(name, out var live))
        {
            superuser |= live.Superuser;
            if (live.CreateRole && !(declared is { CreateRole: true, Drop: false })) reasons.Add("it has CREATEROLE");
        }
        if (superuser) reasons.Insert(0, "it is a superuser");
        if (AdminVia(name, current) is { Count: > 0 } via)
            reasons.Add($"it is a member (directly or through other roles) of {string.Join(", ", via)}");
        return reasons;
    }

    /// <summary>
    /// The administrators <paramref name="name"/> reaches through memberships: superusers, <c>rds_superuser</c> and
    /// CREATEROLE roles. The predefined <c>pg_*</c> roles it reaches are not among them: each grants a fixed set of
    /// rights that the membership planner takes away again.
    /// </summary>
    private static List<string> AdminVia(string name, CurrentState current) =>
        current.MasterFacts.PrivilegedVia.TryGetValue(name, out var via)
            ? via.Where(v => !v.StartsWith("pg_", StringComparison.Ordinal) || current.MasterFacts.Superusers.Contains(v)).ToList()
            : [];

    private static bool HoldsMembership(CurrentState current, string role, string group) =>
        current.Roles.TryGetValue(role, out var live) && (live.MemberOf.Contains(group) || live.Memberships.Any(m => m.Group == group));

    /// <summary>
    /// The finding for a declared administrator: both ways out in the config, and the SQL that takes the power away when
    /// it was given by mistake (the attribute, and the role's direct memberships that lead to an administrator or that the
    /// config does not declare).
    /// </summary>
    private static Finding Finding(RoleSpec role, List<string> reasons, DesiredState desired, CurrentState current)
    {
        string name = Ident.Quote(role.Name);
        var fixes = new List<string>();
        var live = current.Roles[role.Name];
        if (live.Superuser || current.MasterFacts.Superusers.Contains(role.Name)) fixes.Add($"ALTER ROLE {name} WITH NOSUPERUSER");
        if (live.CreateRole && !role.CreateRole) fixes.Add($"ALTER ROLE {name} WITH NOCREATEROLE");
        var via = AdminVia(role.Name, current);
        var groups = live.Memberships.Select(m => m.Group).Concat(live.MemberOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var leading = groups.Where(via.Contains).ToList();
        if (leading.Count == 0 && via.Count > 0) leading = groups.Where(g => !role.MemberOf.Contains(g) && g != RolePlanner.RdsIam).ToList();
        fixes.AddRange(leading.Select(g => $"REVOKE {Ident.Quote(g)} FROM {name}"));
        // And what the membership planner would name next, once the role is managed again: the undeclared memberships the
        // master may not revoke (fuzz seed 56: a predefined role granted by the bootstrap superuser), so that one round of
        // these statements is enough for the next apply to converge the role, as the finding says.
        var wanted = role.MemberOf.Append(RolePlanner.RdsIam).ToHashSet(StringComparer.Ordinal);
        fixes.AddRange(live.Memberships.Where(m => !m.Revocable && !wanted.Contains(m.Group) && !leading.Contains(m.Group))
            .OrderBy(m => m.Group, StringComparer.Ordinal)
            .Select(m => $"REVOKE {Ident.Quote(m.Group)} FROM {name}{(current.Server.VersionNum >= 160000 && m.Grantor is { } by ? $" GRANTED BY {Ident.Quote(by)}" : "")}"));
        string owns = desired.Schemas.Where(s => s.Owner == role.Name).Select(s => s.Name).ToList() is { Count: > 0 } schemas
            ? $"; the schema{(schemas.Count == 1 ? "" : "s")} it owns ({string.Join(", ", schemas)}) {(schemas.Count == 1 ? "is" : "are")} left as {(schemas.Count == 1 ? "it is" : "they are")} too"
            : "";
        return new Finding($"role {role.Name}",
            $"{role.Name} is an administrator the configuration does not declare ({string.Join("; ", reasons)}), so RoleManager leaves it " +
            $"exactly as it is{owns}. Remove \"{role.Name}\" from the config, or add 'adopt: true' to it if RoleManager is to manage it as an " +
            "administrator; if the power was given by mistake, a superuser takes it away with the SQL below and the next apply converges the role",
            fixes.Count > 0 ? string.Join("; ", fixes) : $"-- take away what makes {role.Name} an administrator by hand");
    }
}

/// <summary>
/// The declared roles the plan leaves alone because they are administrators the config does not declare, with one
/// finding each. <see cref="Without"/> is the layout the rest of the plan converges.
/// </summary>
internal sealed record Refusals(ImmutableArray<string> Roles, ImmutableArray<Finding> Findings)
{
    /// <summary>
    /// <paramref name="desired"/> without the refused roles, the schemas they own (acting as an administrator, or handing
    /// objects to one, would give it more) and the grants and extensions in those schemas. A membership into a refused
    /// role stays declared only on an adopted member (who may be privileged); on any other member it is either held
    /// already (the member is then on a path into an administrator, so refused too) or a config error.
    /// </summary>
    public DesiredState Without(DesiredState desired)
    {
        if (Roles.IsEmpty) return desired;
        var refused = Roles.ToHashSet(StringComparer.Ordinal);
        var schemas = desired.Schemas.Where(s => !refused.Contains(s.Owner)).ToImmutableArray();
        var kept = schemas.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        bool Kept(string schema) => kept.Contains(schema) || desired.Schemas.All(s => s.Name != schema);
        return desired with
        {
            Schemas = schemas,
            Roles = desired.Roles.Where(r => !refused.Contains(r.Name))
                .Select(r => r with { Grants = r.Grants.Where(g => Kept(g.Schema)).ToImmutableArray() })
                .ToImmutableArray(),
            Extensions = desired.Extensions.Where(e => desired.ExtensionSchema(e) is not { } schema || Kept(schema)).ToImmutableArray(),
            ExtensionSchemas = desired.ExtensionSchemas.Where(e => Kept(e.Value)).ToImmutableDictionary(),
        };
    }
}
