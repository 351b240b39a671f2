using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using RoleManager.Model;

namespace RoleManager.Config;

/// <summary>How the profiles a layout grants on a schema reach the roles that hold them.</summary>
public enum GrantMode
{
    /// <summary>Groups for the grants that two or more roles share (<see cref="GroupRoles.AutoThreshold"/>), direct otherwise.</summary>
    Auto,
    /// <summary>Every role holds its grants itself: each role is one more entry in every object's ACL.</summary>
    Direct,
    /// <summary>Every grant goes through a group role per (schema, profile): a new holder is one membership.</summary>
    Groups,
}

/// <summary>
/// Grants through per-schema group roles, as a pure rewrite of the desired state (docs/group-roles.md): for each
/// (schema, profile, execute) that goes through a group, one NOLOGIN role holds the grant (and so the schema owner's
/// default privileges name it), and every role that declared the grant becomes a member of it instead. The planner,
/// checker and inspector see ordinary declared roles with <c>member_of</c>, so they stay the one truth; the only new
/// fact they carry is <see cref="RoleSpec.GeneratedGroup"/>, the mark that keeps a role of someone else's from being
/// taken over.
/// </summary>
/// <remarks>
/// Why the auto rule is "two or more holders": a direct grant of a profile on a schema with T objects writes T ACLs
/// per holder, a group writes them once and then costs one membership per holder. With one holder the group is pure
/// overhead (T + 1 writes, one more role); from two holders on it is never worse and the gap grows with every holder.
/// The rule reads the config only, never the catalog, so a growing schema never flips a layout between modes.
/// </remarks>
public static class GroupRoles
{
    /// <summary>In <see cref="GrantMode.Auto"/>, a grant goes through a group once this many roles hold it.</summary>
    public const int AutoThreshold = 2;

    /// <summary>Prefixed to a group name that would otherwise start like a reserved (pg_, rds) role name.</summary>
    public const string ReservedPrefixEscape = "grp_";

    public static GrantMode? ParseMode(string value) => value.ToLowerInvariant() switch
    {
        "auto" => GrantMode.Auto,
        "direct" => GrantMode.Direct,
        "groups" => GrantMode.Groups,
        _ => null,
    };

    /// <summary>Whether a grant held by <paramref name="holders"/> roles goes through a group under <paramref name="mode"/>.</summary>
    public static bool UsesGroup(GrantMode mode, int holders) =>
        holders > 0 && (mode == GrantMode.Groups || (mode == GrantMode.Auto && holders >= AutoThreshold));

    /// <summary>
    /// The group role's name: <c>database_schema_profile</c> (+ <c>_execute</c>). Roles are cluster-wide while grants
    /// are per database, so the database is in the name: two databases of one cluster never share a group (and its
    /// members). Longer than 63 bytes, the <c>database_schema</c> part is cut (on a character boundary) and a hash of
    /// the whole name keeps it unique; a name that would start like a reserved role gets <see cref="ReservedPrefixEscape"/>.
    /// </summary>
    public static string Name(string database, string schema, Profile profile, bool execute)
    {
        string suffix = "_" + profile.ToString().ToLowerInvariant() + (execute ? "_execute" : "");
        string stem = database + "_" + schema;
        string lower = stem.ToLowerInvariant();
        string prefix = lower.StartsWith("pg_", StringComparison.Ordinal) || lower.StartsWith("rds", StringComparison.Ordinal) ? ReservedPrefixEscape : "";
        string name = prefix + stem + suffix;
        if (Encoding.UTF8.GetByteCount(name) <= Names.MaxBytes) return name;

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(database + "\0" + schema + suffix)))[..8];
        int room = Names.MaxBytes - Encoding.UTF8.GetByteCount(prefix) - 1 - hash.Length - Encoding.UTF8.GetByteCount(suffix);
        return prefix + CutToBytes(stem, room) + "_" + hash + suffix;
    }

    /// <summary>The longest prefix of <paramref name="text"/> of at most <paramref name="bytes"/> UTF-8 bytes that does not split a character.</summary>
    private static string CutToBytes(string text, int bytes)
    {
        int used = 0, end = 0;
        while (end < text.Length)
        {
            int width = char.IsSurrogatePair(text, end) ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(text.AsSpan(end, width));
            if (used + size > bytes) break;
            used += size;
            end += width;
        }
        return text[..end];
    }

    /// <summary>
    /// Rewrites <paramref name="state"/>: the grants that go through a group (<paramref name="mode"/>, overridden per
    /// schema by <paramref name="schemaModes"/>) move to generated group roles, appended after the declared roles.
    /// A generated name that a declared role already has is a problem, reported through <paramref name="problem"/>
    /// (declared role, message); the state is then returned unchanged.
    /// </summary>
    public static DesiredState Apply(DesiredState state, GrantMode mode, IReadOnlyDictionary<string, GrantMode>? schemaModes,
        Action<string, string> problem)
    {
        var owners = state.Schemas.ToDictionary(s => s.Name, s => s.Owner, StringComparer.Ordinal);
        var holders = new Dictionary<GroupRoleOrigin, List<string>>();
        var order = new List<GroupRoleOrigin>();
        foreach (var role in state.PresentRoles)
        foreach (var grant in role.Grants)
        {
            if (grant.Profile == Profile.Owner || owners.GetValueOrDefault(grant.Schema) == role.Name) continue;
            var key = Key(state.Database, grant);
            if (!holders.TryGetValue(key, out var list)) { holders[key] = list = new List<string>(); order.Add(key); }
            if (!list.Contains(role.Name)) list.Add(role.Name);
        }

        GrantMode ModeOf(string schema) => schemaModes?.GetValueOrDefault(schema, mode) ?? mode;
        var grouped = order.Where(k => UsesGroup(ModeOf(k.Schema), holders[k].Count))
            .OrderBy(k => state.Schemas.IndexOf(state.Schemas.First(s => s.Name == k.Schema)))
            .ThenBy(k => k.Profile).ThenBy(k => k.Execute).ToList();
        if (grouped.Count == 0) return state;

        var names = grouped.ToDictionary(k => k, k => Name(k.Database, k.Schema, k.Profile, k.Execute));
        bool clash = false;
        foreach (var key in grouped)
        {
            string name = names[key];
            if (state.FindRole(name) is not null)
            {
                clash = true;
                problem(name, $"role \"{name}\" is declared, but that is the name of the group role that carries {Describe(key)} " +
                              $"(grant_mode {(ModeOf(key.Schema) == GrantMode.Auto ? $"auto, with {holders[key].Count} holders" : "groups")}): " +
                              $"rename the declared role, or set 'grant_mode: direct' on schema {key.Schema}");
            }
            if (grouped.Any(other => other != key && names[other] == name))
            {
                clash = true;
                problem(name, $"two group roles would both be named \"{name}\"; set 'grant_mode: direct' on schema {key.Schema}");
            }
        }
        if (clash) return state;

        var roles = state.Roles.Select(role =>
        {
            if (role.Drop) return role;
            var moved = role.Grants.Where(g => g.Profile != Profile.Owner && owners.GetValueOrDefault(g.Schema) != role.Name && names.ContainsKey(Key(state.Database, g))).ToList();
            if (moved.Count == 0) return role;
            var memberOf = role.MemberOf.ToList();
            foreach (var group in moved.Select(g => names[Key(state.Database, g)]).Where(g => !memberOf.Contains(g)))
                memberOf.Add(group);
            return role with { Grants = role.Grants.Except(moved).ToImmutableArray(), MemberOf = memberOf.ToImmutableArray() };
        }).ToList();
        foreach (var key in grouped)
            roles.Add(new RoleSpec(names[key], Login: false, AuthMode.None, SearchPath: null,
                [new GrantSpec(key.Schema, key.Profile, key.Execute)], MemberOf: [], DatabasePrivileges: [])
            { GeneratedGroup = key });
        return state with { Roles = roles.ToImmutableArray() };
    }

    /// <summary>EXECUTE is part of readwrite and all: <c>execute: true</c> only distinguishes readonly grants.</summary>
    private static GroupRoleOrigin Key(string database, GrantSpec grant) =>
        new(database, grant.Schema, grant.Profile, grant.Execute && grant.Profile == Profile.ReadOnly);

    private static string Describe(GroupRoleOrigin key) =>
        $"{key.Profile.ToString().ToLowerInvariant()}{(key.Execute ? " with execute" : "")} on schema {key.Schema}";
}
