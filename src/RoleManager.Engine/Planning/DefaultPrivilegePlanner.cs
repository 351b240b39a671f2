using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// Default privileges: what objects get when they are created. In each managed schema, the owner's
/// <c>IN SCHEMA</c> entry grants exactly the profiles and nothing to PUBLIC; other declared roles set none there.
/// The global entries (no <c>IN SCHEMA</c>) of declared roles grant nothing to declared roles or PUBLIC, and each
/// schema owner has one that takes EXECUTE on functions from PUBLIC (the built-in default gives it, and an
/// <c>IN SCHEMA</c> entry can only add to the global one).
/// </summary>
internal static class DefaultPrivilegePlanner
{
    public static void PlanDefaultPrivileges(PlanContext context)
    {
        foreach (var schema in context.Desired.Schemas)
        foreach (var kind in PrivilegePlanner.Kinds)
        {
            var entry = context.Current.DefaultAcls.FirstOrDefault(d => d.Owner == schema.Owner && d.Schema == schema.Name && d.Kind == kind);
            var wanted = context.PresentRoles.Where(r => r.Name != schema.Owner)
                .Select(r => (r.Name, PrivilegePlanner.Wanted(context, r, schema, kind)))
                .Append((CurrentState.Public, Privilege.None)).ToList();
            EmitDefaults(context, schema.Owner, schema.Name, kind, grant: false,
                AclDiff.GroupBySet(wanted.Select(w => (w.Item1, AclDiff.Extra(w.Item2, AclDiff.Of(entry?.Acl, w.Item1))))));
            EmitDefaults(context, schema.Owner, schema.Name, kind, grant: true,
                AclDiff.GroupBySet(wanted.Select(w => (w.Item1, AclDiff.Missing(w.Item2, AclDiff.Of(entry?.Acl, w.Item1))))));

            // Default privileges that another declared role set up in this schema are drift: only the owner creates here.
            foreach (var other in context.Current.DefaultAcls.Where(d => d.Schema == schema.Name && d.Kind == kind && d.Owner != schema.Owner && context.DeclaredNames.Contains(d.Owner)))
                EmitDefaults(context, other.Owner, schema.Name, kind, grant: false,
                    AclDiff.GroupBySet(other.Acl.Where(a => IsManagedGrantee(context, a.Key) && a.Key != other.Owner)
                        .OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, a.Value))));
        }
        PlanGlobalDefaults(context);
    }

    private static bool IsManagedGrantee(PlanContext context, string grantee) =>
        grantee == CurrentState.Public || context.DeclaredNames.Contains(grantee);

    private static void PlanGlobalDefaults(PlanContext context)
    {
        var owners = context.Desired.Schemas.Select(s => s.Owner).ToHashSet(StringComparer.Ordinal);
        foreach (var owner in context.PresentRoles.Select(r => r.Name))
        foreach (var kind in PrivilegePlanner.Kinds)
        {
            var entry = context.Current.DefaultAcls.FirstOrDefault(d => d.IsGlobal && d.Owner == owner && d.Kind == kind);
            // Without a global entry the built-in default applies, in which PUBLIC executes functions.
            var publicHas = entry is null
                ? (kind == ObjectKind.Routine ? Privilege.Execute : Privilege.None)
                : AclDiff.Of(entry.Acl, CurrentState.Public);
            var extra = (entry?.Acl ?? [])
                .Where(a => a.Key != owner && a.Key != CurrentState.Public && context.DeclaredNames.Contains(a.Key))
                .OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, a.Value)).ToList();
            // PUBLIC is taken out of the defaults of the roles that create in managed schemas (the schema owners);
            // for the others, only a grant someone added by hand is removed.
            if (publicHas != Privilege.None && (owners.Contains(owner) || entry is not null && kind != ObjectKind.Routine))
                extra.Add((CurrentState.Public, publicHas));
            EmitDefaults(context, owner, null, kind, grant: false, AclDiff.GroupBySet(extra));
            // A global entry replaces the built-in default, in which the creator holds everything on what it creates: what
            // the role revoked from itself there (finding 4 on objects still to come) is granted back. An entry without the
            // role's own (the inspector always reads one, NONE when it revoked all) is taken as the default.
            if (entry is not null && entry.Acl.ContainsKey(owner) && AclDiff.Missing(Privileges.AllFor(kind, context.Version), AclDiff.Of(entry.Acl, owner)) is var lacking and not Privilege.None)
                EmitDefaults(context, owner, null, kind, grant: true, [(lacking, [owner])]);
        }
    }

    private static void EmitDefaults(PlanContext context, string owner, string? schema, ObjectKind kind, bool grant,
        IEnumerable<(Privilege Privileges, List<string> Grantees)> groups)
    {
        foreach (var (privileges, grantees) in groups)
        {
            using var unit = context.Builder.BeginUnit();
            context.ActAs(owner);
            string plural = Privileges.DefaultKindPlural(kind);
            string where = schema is null ? "in every schema" : $"in schema {schema}";
            string inSchema = schema is null ? "" : $" IN SCHEMA {Ident.Quote(schema)}";
            context.Builder.Add(Phase.DefaultPrivileges, new Change(grant ? ChangeKind.GrantDefault : ChangeKind.RevokeDefault,
                $"{(grant ? "grant" : "revoke")} {Privileges.ToSql(privileges)} on {plural.ToLowerInvariant()} {owner} creates {where} {(grant ? "to" : "from")} {string.Join(", ", grantees)}",
                $"ALTER DEFAULT PRIVILEGES FOR ROLE {Ident.Quote(owner)}{inSchema} " +
                $"{(grant ? "GRANT" : "REVOKE")} {Privileges.ToSql(privileges)} ON {plural} {(grant ? "TO" : "FROM")} {SchemaPlanner.Grantees(grantees)}")
            { Log = new(Role: string.Join(", ", grantees), Schema: schema ?? ChangeLog.NotApplicable, Object: $"default privileges of {owner}"),
              Target = schema is null ? ChangeTarget.None : ChangeTarget.AllIn(schema) });
        }
    }
}
