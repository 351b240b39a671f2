using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Reporting;

/// <summary>
/// What one declared role holds on one managed schema it does not own, read back as a config grant, and only when
/// the config can say exactly that: the profile the owner's default privileges give it (what future objects get; usage
/// when they give nothing), held on every object of the schema, plus what it holds beyond that on named tables
/// (<c>tables:</c>) and columns (<c>columns:</c>); otherwise the reasons, each naming the role, schema and object. A near profile is never printed: applying it could widen what the role may
/// do (a profile grants every table, where the role may have been kept from a column or a table on purpose). Pure.
/// </summary>
internal static class GrantInference
{
    internal sealed record Result(InspectedGrant? Grant, IReadOnlyList<string> Problems);

    /// <summary>The profiles a grant can name, in the order they are tried: the first exact one is printed.</summary>
    private static readonly (string Name, Profile Profile, bool Execute)[] Candidates =
    [
        ("readonly", Profile.ReadOnly, false), ("readonly", Profile.ReadOnly, true),
        ("readwrite", Profile.ReadWrite, false), ("all", Profile.All, false), ("usage", Profile.Usage, false), ("usage", Profile.Usage, true),
    ];

    public static Result Infer(CurrentState current, CurrentSchema schema, string role)
    {
        int version = current.Server.VersionNum;
        var problems = new List<string>();
        void Problem(string what) => problems.Add($"role {role} on schema {schema.Name}: {what}");

        var onSchema = Of(schema.Acl, role);
        if (onSchema.HasFlag(Privilege.Create)) Problem("holds CREATE on the schema, which a config gives only to the schema's owner");
        if (onSchema.HasFlag(Privilege.GrantOption)) Problem("holds USAGE on the schema WITH GRANT OPTION, which a config never gives");
        bool usage = onSchema.HasFlag(Privilege.Usage);

        var defaults = PrivilegePlannerKinds.ToDictionary(k => k, k => Of(current.DefaultAcls
            .FirstOrDefault(d => d.Schema == schema.Name && d.Owner == schema.Owner && d.Kind == k)?.Acl, role) & ~Privilege.GrantOption);
        var objects = current.Objects.Where(o => o.Schema == schema.Name && o.Owner != role).ToList();
        var columns = current.ColumnGrants.Where(c => c.Schema == schema.Name && c.Grantee == role).ToList();
        bool holdsAny = defaults.Values.Any(p => p != Privilege.None) || objects.Any(o => Of(o.Acl, role) != Privilege.None) || columns.Count > 0;
        if (!usage && !holdsAny && problems.Count == 0) return new Result(null, []);

        // The profile is the one the owner's default privileges give exactly (usage when they give nothing): future objects
        // get it, so every existing object must hold at least it; what one table holds beyond it is a named grant.
        var profile = Candidates.Cast<(string Name, Profile Profile, bool Execute)?>()
            .FirstOrDefault(c => PrivilegePlannerKinds.All(k => defaults[k] == Expected(c!.Value, k, version)));
        if (profile is not { } p)
        {
            Problem($"the default privileges of {schema.Owner} give it {Describe(defaults)}, which no profile is exactly " +
                    "(readonly: SELECT on tables and sequences; readwrite: SELECT, INSERT, UPDATE, DELETE, sequences and EXECUTE; all: every privilege; usage: none)");
            return new Result(null, problems);
        }

        var tables = new List<InspectedTableGrant>();
        foreach (var obj in objects)
        {
            var have = Of(obj.Acl, role);
            if (have.HasFlag(Privilege.GrantOption))
                Problem($"holds {Privileges.ToSql(have & ~Privilege.GrantOption)} on {Name(obj)} WITH GRANT OPTION, which a config never gives (applying it would revoke the option)");
            var expected = Expected(p, obj.Kind, version);
            var missing = expected & ~have;
            var extra = have & ~expected & ~Privilege.GrantOption;
            if (missing != Privilege.None)
                Problem($"holds {Held(have)} on {Name(obj)}, where profile {p.Name} (from the default privileges of {schema.Owner}) would grant {Privileges.ToSql(missing)} too: " +
                        "a profile grants every object of its kind, and a config cannot leave one out");
            if (extra == Privilege.None) continue;
            if (obj.Kind == ObjectKind.Table && (extra & ~NamedTablePrivileges) == Privilege.None)
                tables.Add(new InspectedTableGrant(obj.Name, Lower(extra)));
            else
                Problem($"holds {Privileges.ToSql(extra)} on {Name(obj)} beyond profile {p.Name}, which the config cannot say " +
                        $"({(obj.Kind == ObjectKind.Table ? "MAINTAIN is not a named table privilege" : "named grants are on tables and columns only")}; applying it would revoke it)");
        }
        var columnGrants = new List<InspectedColumnGrant>();
        foreach (var column in columns)
        {
            var table = objects.FirstOrDefault(o => o.Kind == ObjectKind.Table && o.Name == column.Table);
            var beyond = column.Privileges & ~(table is null ? Privilege.None : Of(table.Acl, role));
            if (table is not null && beyond != Privilege.None)
                columnGrants.Add(new InspectedColumnGrant(column.Table, column.Columns, Lower(beyond)));
        }
        if (!usage)
            Problem("holds privileges on its objects but not USAGE on the schema, which every config grant includes (applying it would grant USAGE)");

        return problems.Count > 0
            ? new Result(null, problems)
            : new Result(new InspectedGrant(schema.Name, p.Name, p.Execute ? true : null)
            {
                Tables = tables.Count > 0 ? [.. tables.OrderBy(t => t.Name, StringComparer.Ordinal)] : null,
                Columns = columnGrants.Count > 0 ? [.. columnGrants.OrderBy(c => c.Table, StringComparer.Ordinal)] : null,
            }, []);
    }

    /// <summary>What <c>tables:</c> can name (MAINTAIN, 17+, is left to the profiles).</summary>
    private const Privilege NamedTablePrivileges = Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete
        | Privilege.Truncate | Privilege.References | Privilege.Trigger;

    private static List<string> Lower(Privilege privileges) =>
        [.. Privileges.ToSql(privileges).Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant())];

    private static readonly ObjectKind[] PrivilegePlannerKinds = [ObjectKind.Table, ObjectKind.Sequence, ObjectKind.Routine];

    private static Privilege Expected((string Name, Profile Profile, bool Execute) candidate, ObjectKind kind, int version) =>
        Privileges.ForProfile(candidate.Profile, kind, version) | (candidate.Execute && kind == ObjectKind.Routine ? Privilege.Execute : Privilege.None);

    private static Privilege Of(ImmutableDictionary<string, Privilege>? acl, string grantee) =>
        acl is not null && acl.TryGetValue(grantee, out var p) ? p : Privilege.None;

    private static string Held(Privilege privileges) =>
        (privileges & ~Privilege.GrantOption) == Privilege.None ? "nothing" : Privileges.ToSql(privileges & ~Privilege.GrantOption);

    internal static string Name(DbObject obj) => obj.Kind switch
    {
        ObjectKind.Routine => $"routine {obj.Schema}.{obj.Name}({obj.Signature})",
        ObjectKind.Sequence => $"sequence {obj.Schema}.{obj.Name}",
        _ => $"table {obj.Schema}.{obj.Name}",
    };

    private static string Describe(Dictionary<ObjectKind, Privilege> defaults) =>
        string.Join("; ", defaults.Where(d => d.Value != Privilege.None).Select(d => $"{Privileges.ToSql(d.Value)} on future {Privileges.KindPlural(d.Key).ToLowerInvariant()}"));
}
