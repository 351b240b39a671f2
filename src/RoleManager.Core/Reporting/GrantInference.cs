using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Reporting;

/// <summary>
/// What one declared role holds on one managed schema it does not own, read back as a config grant, and only when
/// the config can say exactly that. A profile is printed only when the role holds exactly that profile's privileges on
/// every object of the schema and in the owner's default privileges (what future objects get); otherwise the reasons,
/// each naming the role, schema and object. A near profile is never printed: applying it could widen what the role may
/// do (a profile grants every table, where the role may have been kept from a column or a table on purpose). Pure.
/// </summary>
internal static class GrantInference
{
    internal sealed record Result(InspectedGrant? Grant, IReadOnlyList<string> Problems);

    /// <summary>The profiles a grant can name, in the order they are tried: the first exact one is printed.</summary>
    private static readonly (string Name, Profile Profile, bool Execute)[] Candidates =
    [
        ("readonly", Profile.ReadOnly, false), ("readonly", Profile.ReadOnly, true),
        ("readwrite", Profile.ReadWrite, false), ("all", Profile.All, false),
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

        // The profile is the one the owner's default privileges give exactly: future objects get it, so must existing ones.
        var profile = Candidates.Cast<(string Name, Profile Profile, bool Execute)?>()
            .FirstOrDefault(c => PrivilegePlannerKinds.All(k => defaults[k] == Expected(c!.Value, k, version)));
        if (profile is null && defaults.Values.Any(p => p != Privilege.None))
            Problem($"the default privileges of {schema.Owner} give it {Describe(defaults)}, which no profile is exactly " +
                    "(readonly: SELECT on tables and sequences; readwrite: SELECT, INSERT, UPDATE, DELETE, sequences and EXECUTE; all: every privilege)");
        else if (profile is null && !holdsAny)
            Problem("holds only USAGE on the schema and nothing on its objects, which no profile is (a profile grants every object, and future ones)");

        foreach (var obj in objects)
        {
            var have = Of(obj.Acl, role);
            if (have.HasFlag(Privilege.GrantOption))
                Problem($"holds {Privileges.ToSql(have & ~Privilege.GrantOption)} on {Name(obj)} WITH GRANT OPTION, which a config never gives (applying it would revoke the option)");
            if (profile is not { } p)
            {
                if ((have & ~Privilege.GrantOption) != Privilege.None && !defaults.Values.Any(d => d != Privilege.None))
                    Problem($"holds {Held(have)} on {Name(obj)} and no default privileges on future objects, which no profile is (a profile grants every object of its kind, and future ones)");
                continue;
            }
            var expected = Expected(p, obj.Kind, version);
            var missing = expected & ~have;
            var extra = have & ~expected & ~Privilege.GrantOption;
            if (missing != Privilege.None)
                Problem($"holds {Held(have)} on {Name(obj)}, where profile {p.Name} would grant {Privileges.ToSql(missing)} too");
            if (extra != Privilege.None)
                Problem($"holds {Privileges.ToSql(extra)} on {Name(obj)} beyond profile {p.Name}, which the config cannot say (applying it would revoke it)");
        }
        foreach (var column in columns)
        {
            var table = objects.FirstOrDefault(o => o.Kind == ObjectKind.Table && o.Name == column.Table);
            var beyond = column.Privileges & ~(table is null ? Privilege.None : Of(table.Acl, role));
            if (beyond != Privilege.None)
                Problem($"holds {Privileges.ToSql(beyond)} on columns {string.Join(", ", column.Columns)} of table {schema.Name}.{column.Table} only, " +
                        "which no profile is (a profile grants whole tables)");
        }
        if (!usage && (holdsAny || profile is not null))
            Problem("holds privileges on its objects but not USAGE on the schema, which every config grant includes");

        return problems.Count > 0 || profile is not { } found
            ? new Result(null, problems)
            : new Result(new InspectedGrant(schema.Name, found.Name, found.Execute ? true : null), []);
    }

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
