using System.Collections.Immutable;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// Every object in a managed schema belongs to the schema's declared owner. An object of another role — one the
/// master made before the first apply, one given to app by hand, one left by a dropped role — is handed over
/// with <c>ALTER ... OWNER TO</c>: its owner could otherwise drop or alter it, and a master-owned table breaks
/// foreign-key checks once the master loses USAGE on the schema. Ownership is privilege, so only what is inert is
/// handed over: an object that carries code (<see cref="DbObject.Code"/>: a view, a SECURITY DEFINER routine, a table
/// with triggers, rules, policies or expressions calling non-catalog functions) and that another role than the master
/// wrote would run that role's code with the new owner's rights — it is a finding with the statement to run after
/// review, never a change. An object of a superuser is a finding. An extension's member belongs to the extension
/// and is left alone. An object in a schema whose own hand-over is a finding is a finding too: its new owner would need
/// CREATE on that schema. docs/security.md, "Ownership is privilege".
/// </summary>
internal static class OwnershipPlanner
{
    /// <summary>Plans the hand-overs and returns the objects as they will be afterwards (owner and ACL).</summary>
    public static ImmutableArray<DbObject> PlanOwners(PlanContext context)
    {
        var owners = context.Desired.Schemas.ToDictionary(s => s.Name, s => s.Owner, StringComparer.Ordinal);
        bool masterIsSuperuser = context.Current.Server.CurrentUserIsSuperuser;
        var after = ImmutableArray.CreateBuilder<DbObject>(context.Current.Objects.Length);
        // The server drops the old owner's entry and gives the new owner the owner's rights; objects that shared
        // an ACL instance keep sharing one, so the privilege planner still diffs per group.
        var moved = new Dictionary<(ImmutableDictionary<string, Privilege>, string), ImmutableDictionary<string, Privilege>>();
        foreach (var obj in context.Current.Objects)
        {
            if (!owners.TryGetValue(obj.Schema, out var owner) || obj.Owner == owner || obj.ExtensionMember)
            {
                after.Add(obj);
                continue;
            }
            string sql = $"ALTER {Keyword(obj)} {PrivilegePlanner.ObjectName(obj)} OWNER TO {Ident.Quote(owner)}";
            if (obj.OwnerIsSuperuser && !masterIsSuperuser)
            {
                context.Builder.AddFinding(new Finding($"{Keyword(obj).ToLowerInvariant()} {obj.Schema}.{obj.Name}",
                    $"it belongs to the superuser {obj.Owner}, not to {owner} (the owner of schema {obj.Schema}), and the master user cannot act for a superuser",
                    sql));
                after.Add(obj);
                continue;
            }
            if (CarriesForeignCode(obj, context.Master))
            {
                context.Builder.AddFinding(new Finding($"{Keyword(obj).ToLowerInvariant()} {obj.Schema}.{obj.Name}",
                    $"it belongs to {obj.Owner}, not to {owner} (the owner of schema {obj.Schema}), and it carries code ({obj.Code}) that would run " +
                    $"with {owner}'s rights once {owner} owns it; RoleManager never makes a role the owner of code another role wrote. " +
                    $"Read its definition, then run the statement shown, or drop it (DROP {Keyword(obj)} {PrivilegePlanner.ObjectName(obj)})",
                    sql));
                after.Add(obj);
                continue;
            }
            if (context.KeptSchemaOwners.TryGetValue(obj.Schema, out var keeper))
            {
                // PostgreSQL makes a role an object's owner (a non-superuser's ALTER … OWNER TO) only when it holds CREATE
                // on the object's schema (42501 otherwise): the declared owner gets it with the schema, not before.
                if (!obj.LinkedToTable)
                    context.Builder.AddFinding(new Finding($"{Keyword(obj).ToLowerInvariant()} {obj.Schema}.{obj.Name}",
                        $"it belongs to {obj.Owner}, not to {owner} (the owner of schema {obj.Schema}), and it can only be handed over once " +
                        $"the schema is {owner}'s: it still belongs to {keeper} (see the finding on schema {obj.Schema}), so {owner} holds no CREATE there, " +
                        $"which PostgreSQL requires of an object's new owner. Run the statement shown after the schema's, or apply again then",
                        sql));
                after.Add(obj);
                continue;
            }
            // A serial or identity sequence follows its table (ALTER SEQUENCE on it is refused).
            if (!obj.LinkedToTable)
            {
                using var unit = context.Builder.BeginUnit();
                context.ActAs(obj.Owner);
                context.ActAs(owner);
                context.Builder.Add(Phase.ObjectOwners, new Change(ChangeKind.AlterObjectOwner,
                    $"make {owner} the owner of {Keyword(obj).ToLowerInvariant()} {obj.Schema}.{obj.Name} (was {obj.Owner})", sql)
                    { Log = new(Role: owner, Schema: obj.Schema, Object: obj.Name), Target = ChangeTarget.On(obj.Schema, [obj.Name]) });
            }
            if (!moved.TryGetValue((obj.Acl, obj.Owner), out var acl))
                // The server moves the old owner's entry to the new one; an undeclared old owner's is not read: its default, all.
                moved[(obj.Acl, obj.Owner)] = acl = obj.Acl.Remove(obj.Owner).SetItem(owner, AclDiff.Of(obj.Acl, owner)
                    | (obj.Acl.ContainsKey(obj.Owner) ? AclDiff.Of(obj.Acl, obj.Owner) : Privileges.AllFor(obj.Kind, context.Version)));
            after.Add(obj with { Owner = owner, Acl = acl, OwnerIsSuperuser = false, CurrentUserHasOwnerPrivileges = false });
        }
        return after.MoveToImmutable();
    }

    /// <summary>
    /// Code that another role than the master wrote. The master's own objects are handed over even when they carry
    /// code: whoever holds the master's credentials is trusted (docs/security.md), and the new owner has fewer rights.
    /// </summary>
    internal static bool CarriesForeignCode(DbObject obj, string master) => obj.Code is not null && obj.Owner != master;

    /// <summary>
    /// Objects whose grants the master leaves as they are, after the hand-over: an extension's members (the extension's
    /// script set their ACL), a superuser's objects (the master cannot act for it; a finding names them) and code that
    /// stays with the role that wrote it (a finding). Grants on such a kind in the schema name the other objects one by
    /// one instead of <c>ON ALL ... IN SCHEMA</c>, which would touch these too.
    /// </summary>
    internal static bool LeftAlone(PlanContext context, DbObject obj) =>
        obj.ExtensionMember
        || (obj.OwnerIsSuperuser && !context.Current.Server.CurrentUserIsSuperuser)
        || (CarriesForeignCode(obj, context.Master) && context.Desired.Schemas.Any(s => s.Name == obj.Schema && s.Owner != obj.Owner));

    internal static string Keyword(DbObject obj) => (obj.Kind, obj.SubKind) switch
    {
        (ObjectKind.Routine, "p") => "PROCEDURE",
        (ObjectKind.Routine, "a") => "AGGREGATE",
        (ObjectKind.Routine, _) => "FUNCTION",
        (ObjectKind.Sequence, _) => "SEQUENCE",
        (_, "v") => "VIEW",
        (_, "m") => "MATERIALIZED VIEW",
        (_, "f") => "FOREIGN TABLE",
        _ => "TABLE",
    };
}
