using System.Collections.Immutable;

namespace RoleManager.Model;

/// <summary>
/// What the connected (master) user is and may do on this server, read by <c>6_master.sql</c>: the facts the
/// acting-as grants, the preflight and the protected-role rule need. <see cref="Unknown"/> (a hand-built
/// state) turns those checks off rather than guess.
/// </summary>
/// <param name="CreateroleSelfGrant">The session's <c>createrole_self_grant</c> (PostgreSQL 16+; empty before).</param>
/// <param name="Replication">The master has REPLICATION (on 16+ it may then give or take it).</param>
/// <param name="BypassRls">The master has BYPASSRLS (likewise).</param>
/// <param name="Superusers">Every superuser of the cluster: the master never acts as one.</param>
/// <param name="AvailableExtensions">Names in <c>pg_available_extensions</c>; null when not read.</param>
/// <param name="Memberships">The master's own <c>pg_auth_members</c> rows, one per role and grantor.</param>
/// <param name="AdminOf">Roles in scope on which the master holds ADMIN OPTION (what 16+ needs to alter or grant them).</param>
/// <param name="PrivilegedVia">Roles in scope → the privileged roles (superusers, <c>rds_superuser</c>, <c>pg_*</c>, roles with CREATEROLE) they reach through memberships.</param>
public sealed record MasterFacts(
    string CreateroleSelfGrant,
    bool Replication,
    bool BypassRls,
    ImmutableHashSet<string> Superusers,
    ImmutableHashSet<string>? AvailableExtensions,
    ImmutableArray<MasterMembership> Memberships,
    ImmutableHashSet<string> AdminOf,
    ImmutableDictionary<string, ImmutableArray<string>> PrivilegedVia)
{
    public static readonly MasterFacts Unknown = new("", false, false, ImmutableHashSet<string>.Empty, null,
        ImmutableArray<MasterMembership>.Empty, ImmutableHashSet<string>.Empty, ImmutableDictionary<string, ImmutableArray<string>>.Empty);

    /// <summary>True when the facts were read from a server (a hand-built state leaves them <see cref="Unknown"/>).</summary>
    public bool IsKnown => AvailableExtensions is not null;

    /// <summary>The row the master's own <c>GRANT role TO CURRENT_USER</c> creates or updates (its grantor is the master).</summary>
    public MasterMembership? OwnGrantOf(string role) => Memberships.FirstOrDefault(m => m.Role == role && m.GrantedByMaster);

    public bool IsMemberOf(string role) => Memberships.Any(m => m.Role == role);

    /// <summary>Whether <c>createrole_self_grant</c> names <paramref name="option"/> (<c>set</c> or <c>inherit</c>).</summary>
    public bool SelfGrants(string option) =>
        CreateroleSelfGrant.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(o => string.Equals(o, option, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// One <c>pg_auth_members</c> row of the master. <see cref="Inherit"/> and <see cref="Set"/> are per grant from
/// PostgreSQL 16 and null before (where a membership always allows SET ROLE and inherits as the member does).
/// </summary>
public sealed record MasterMembership(string Role, bool Admin, bool? Inherit, bool? Set, bool GrantedByMaster);
