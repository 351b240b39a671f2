using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Check;

/// <summary>
/// Roles for which one SET ROLE probe speaks for all on a schema (issue 19: 1,000 login roles would be 1,000 probes):
/// the same effective privileges on the schema's tables, sequences, routines and the schema itself, the same declared
/// groups and attributes. The checker acts as the <see cref="Representative"/> only; its assertions say whom else it
/// stands for.
/// </summary>
internal sealed record EquivalenceClass(ImmutableArray<RoleSpec> Members)
{
    public RoleSpec Representative => Members[0];

    /// <summary>The members the representative's probes also stand for.</summary>
    public IEnumerable<RoleSpec> Others => Members.Skip(1);

    /// <summary>
    /// The classes of <paramref name="roles"/> on <paramref name="schema"/>: in order of their first role, roles in the
    /// order given, so the assertions are deterministic.
    /// </summary>
    public static IReadOnlyList<EquivalenceClass> Of(DesiredState desired, IEnumerable<RoleSpec> roles, SchemaSpec schema, int serverVersion) =>
        roles.GroupBy(r => KeyOf(desired, r, schema, serverVersion), StringComparer.Ordinal)
            .Select(g => new EquivalenceClass([.. g]))
            .ToList();

    /// <summary>Everything a probe's outcome depends on, as one string: equal keys, equal outcomes.</summary>
    private static string KeyOf(DesiredState desired, RoleSpec role, SchemaSpec schema, int serverVersion) => string.Join("|",
        (int)PrivilegeModel.Effective(desired, role.Name, schema, ObjectKind.Table, serverVersion),
        (int)PrivilegeModel.Effective(desired, role.Name, schema, ObjectKind.Sequence, serverVersion),
        (int)PrivilegeModel.Effective(desired, role.Name, schema, ObjectKind.Routine, serverVersion),
        (int)PrivilegeModel.EffectiveOnSchema(desired, role.Name, schema),
        role.Login, role.CreateDb, role.CreateRole,
        string.Join(",", PrivilegeModel.GroupsOf(desired, role.Name).Order(StringComparer.Ordinal)));
}
