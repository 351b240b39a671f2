using System.Collections.Immutable;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// Schemas: existence, owner, USAGE/CREATE grants of the declared roles and PUBLIC, CREATE for no undeclared role, and
/// CREATE on <c>public</c> for nobody but its owner.
/// </summary>
internal static class SchemaPlanner
{
    public const string PublicSchema = "public";

    public static void PlanSchemas(PlanContext context)
    {
        foreach (var schema in context.Desired.Schemas)
        {
            context.Current.Schemas.TryGetValue(schema.Name, out var current);
            var acl = PlanExistenceAndOwner(context, schema, current);
            var wanted = context.PresentRoles.Where(r => r.Name != schema.Owner)
                .Select(r => (r.Name, context.ProfilesOn(r, schema.Name).Any() ? Privilege.Usage : Privilege.None, Privilege.Usage | Privilege.Create))
                .Append((CurrentState.Public, Privilege.None, Privilege.Usage | Privilege.Create))
                // The owner holds USAGE and CREATE on its schema unless it revoked them from itself (finding 9: acting
                // as the owner then fails 42501): granted back first, by the owner itself. An ACL without the owner's
                // entry (the inspector always reads one; a schema just created) is the default: both.
                .Prepend((schema.Owner, Privilege.Usage | Privilege.Create, acl.ContainsKey(schema.Owner) ? Privilege.Usage | Privilege.Create : Privilege.None))
                .Concat(Undeclared(context, schema, acl).Select(g => (g, Privilege.None, Privilege.Create)))
                .ToList();
            PlanGrantOptions(context, schema.Name, schema.Owner, current);
            PlanAcl(context, schema.Name, schema.Owner, acl, wanted);
        }

        if (context.Desired.Schemas.All(s => s.Name != PublicSchema) &&
            context.Current.Schemas.TryGetValue(PublicSchema, out var pub))
        {
            var (owner, acl) = HandPublicBack(context, pub);
            // Only CREATE is managed on an undeclared public schema: USAGE there is the application's business.
            var wanted = context.PresentRoles.Where(r => r.Name != owner).Select(r => (r.Name, Privilege.None, Privilege.Create))
                .Append((CurrentState.Public, Privilege.None, Privilege.Create)).ToList();
            PlanGrantOptions(context, PublicSchema, owner, pub with { Owner = owner });
            PlanAcl(context, PublicSchema, owner, acl, wanted);
        }
    }

    private static ImmutableDictionary<string, Privilege> PlanExistenceAndOwner(PlanContext context, SchemaSpec schema, CurrentSchema? current)
    {
        string name = Ident.Quote(schema.Name), owner = Ident.Quote(schema.Owner);
        if (current is null)
        {
            using var creating = context.Builder.BeginUnit();
            context.ActAs(schema.Owner);
            context.Builder.Add(Phase.Schemas, new Change(ChangeKind.CreateSchema,
                $"create schema {schema.Name} owned by {schema.Owner}", $"CREATE SCHEMA {name} AUTHORIZATION {owner}")
                { Log = new(Role: schema.Owner, Schema: schema.Name), Target = ChangeTarget.OnSchema(schema.Name) });
            return ImmutableDictionary<string, Privilege>.Empty;
        }
        if (current.Owner == schema.Owner) return current.Acl;

        using var unit = context.Builder.BeginUnit();
        context.ActAs(current.Owner);
        context.ActAs(schema.Owner);
        if (unit.Blocked) context.KeptSchemaOwners[schema.Name] = current.Owner;
        // ALTER SCHEMA ... OWNER TO requires the new owner to hold CREATE on the database (CREATE SCHEMA does not).
        var ownerSpec = context.Desired.FindRole(schema.Owner);
        bool hasCreate = AclDiff.Of(context.Current.DatabaseAcl, schema.Owner).HasFlag(Privilege.Create)
                         || ownerSpec?.DatabasePrivileges.Contains(DatabasePrivilege.Create) == true;
        if (!hasCreate)
        {
            string db = Ident.Quote(context.Desired.Database);
            context.Builder.AddTemporary(
                new Change(ChangeKind.GrantDatabase, $"let {schema.Owner} hold CREATE on the database while it takes over schema {schema.Name}",
                    $"GRANT CREATE ON DATABASE {db} TO {owner}") { Log = new(Role: schema.Owner, Schema: schema.Name, Object: $"database {context.Desired.Database}") },
                new Change(ChangeKind.RevokeDatabase, $"remove the temporary CREATE on the database from {schema.Owner}",
                    $"REVOKE CREATE ON DATABASE {db} FROM {owner}") { Log = new(Role: schema.Owner, Schema: schema.Name, Object: $"database {context.Desired.Database}") });
        }
        context.Builder.Add(Phase.Schemas, new Change(ChangeKind.AlterSchemaOwner,
            $"make {schema.Owner} the owner of schema {schema.Name} (was {current.Owner})", $"ALTER SCHEMA {name} OWNER TO {owner}")
            { Log = new(Role: schema.Owner, Schema: schema.Name), Target = ChangeTarget.OnSchema(schema.Name) });
        // The server moves the old owner's entry to the new owner (merged with the new owner's own); everything else stays.
        return current.Acl.ContainsKey(current.Owner) || current.Acl.ContainsKey(schema.Owner)
            ? current.Acl.Remove(current.Owner).SetItem(schema.Owner, AclDiff.Of(current.Acl, schema.Owner) | AclDiff.Of(current.Acl, current.Owner))
            : current.Acl;
    }

    /// <summary>
    /// Roles the config does not declare as present (undeclared ones, and roles it retires) that hold a privilege on a
    /// managed schema. Only their CREATE is managed (revoked): CREATE is how a role puts objects, and code, where the
    /// schema owner's objects live and where RoleManager hands objects to that owner. Their USAGE, and what they hold on
    /// objects, are left alone and visible in the audit report (docs/security.md, "Ownership is privilege"). The master
    /// is never among them: the tool does not touch its own rights unless told to.
    /// </summary>
    private static IEnumerable<string> Undeclared(PlanContext context, SchemaSpec schema, ImmutableDictionary<string, Privilege> acl) =>
        acl.Keys.Where(g => g != CurrentState.Public && g != schema.Owner && g != context.Master
                            && context.Desired.FindRole(g) is not { Drop: false })
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// Schema <c>public</c> owned by a declared role (finding 10): its owner may create there, and grant that to others,
    /// which no declared role may. It goes back to the database's owner where that is the master (as on RDS, where the
    /// master creates the database); otherwise it is a finding naming the statement. Returns public's owner and ACL
    /// after the plan (the server moves the old owner's entry to the new one).
    /// </summary>
    private static (string Owner, ImmutableDictionary<string, Privilege> Acl) HandPublicBack(PlanContext context, CurrentSchema pub)
    {
        if (context.Desired.FindRole(pub.Owner) is not { Drop: false } || pub.Owner == context.Master) return (pub.Owner, pub.Acl);
        var server = context.Current.Server;
        string to = server.DatabaseOwner, sql = $"ALTER SCHEMA {Ident.Quote(PublicSchema)} OWNER TO {Ident.Quote(to)}";
        if (to != context.Master || context.Desired.FindRole(to) is not null)
        {
            context.Builder.AddFinding(new Finding($"schema {PublicSchema}",
                $"{pub.Owner} owns schema public, so it may create there and let others; its database's owner {to} should own it", sql));
            return (pub.Owner, pub.Acl);
        }
        using var unit = context.Builder.BeginUnit();
        context.ActAs(pub.Owner);
        context.Builder.Add(Phase.Schemas, new Change(ChangeKind.AlterSchemaOwner,
            $"make {to}, the database's owner, the owner of schema public again (was {pub.Owner}, a declared role, which could create there)", sql)
            { Log = new(Role: to, Schema: PublicSchema), Target = ChangeTarget.OnSchema(PublicSchema) });
        return (to, pub.Acl.Remove(pub.Owner).SetItem(to, AclDiff.Of(pub.Acl, to) | AclDiff.Of(pub.Acl, pub.Owner)));
    }

    /// <summary>
    /// No declared role may pass its access on: its grant option on the schema goes (as the owner, CASCADE taking what
    /// it granted with it), before any revoke of the privilege itself, which would otherwise fail on those grants.
    /// </summary>
    private static void PlanGrantOptions(PlanContext context, string schema, string owner, CurrentSchema? current)
    {
        if (current is null || current.GrantOptionHolders.IsEmpty) return;
        var passing = context.PresentRoles.Where(r => r.Name != owner && current.GrantOptionHolders.Contains(r.Name)).Select(r => r.Name).ToList();
        if (passing.Count == 0) return;
        using var unit = context.Builder.BeginUnit();
        context.ActAsSchemaOwner(schema, owner);
        context.Builder.Add(Phase.SchemaPrivileges, new Change(ChangeKind.RevokeSchema,
            $"revoke the grant option on schema {schema} from {string.Join(", ", passing)}",
            $"REVOKE GRANT OPTION FOR ALL PRIVILEGES ON SCHEMA {Ident.Quote(schema)} FROM {Grantees(passing)} CASCADE")
            { Log = new(Role: string.Join(", ", passing), Schema: schema), Target = ChangeTarget.OnSchema(schema) });
    }

    private static void PlanAcl(PlanContext context, string schema, string owner, ImmutableDictionary<string, Privilege> acl,
        List<(string Grantee, Privilege Privileges, Privilege Managed)> wanted)
    {
        var missing = AclDiff.GroupBySet(wanted.Select(w => (w.Grantee, AclDiff.Missing(w.Privileges, AclDiff.Of(acl, w.Grantee)) & w.Managed))).ToList();
        var extra = AclDiff.GroupBySet(wanted.Select(w => (w.Grantee, AclDiff.Extra(w.Privileges, AclDiff.Of(acl, w.Grantee)) & w.Managed))).ToList();
        using var unit = context.Builder.BeginUnit();
        if (missing.Count + extra.Count > 0) context.ActAsSchemaOwner(schema, owner);
        foreach (var (privileges, grantees) in extra)
            context.Builder.Add(Phase.SchemaPrivileges, new Change(ChangeKind.RevokeSchema,
                $"revoke {Privileges.ToSql(privileges)} on schema {schema} from {string.Join(", ", grantees)}",
                $"REVOKE {Privileges.ToSql(privileges)} ON SCHEMA {Ident.Quote(schema)} FROM {Grantees(grantees)}")
                { Log = new(Role: string.Join(", ", grantees), Schema: schema), Target = ChangeTarget.OnSchema(schema) });
        foreach (var (privileges, grantees) in missing)
            context.Builder.Add(Phase.SchemaPrivileges, new Change(ChangeKind.GrantSchema,
                $"grant {Privileges.ToSql(privileges)} on schema {schema} to {string.Join(", ", grantees)}",
                $"GRANT {Privileges.ToSql(privileges)} ON SCHEMA {Ident.Quote(schema)} TO {Grantees(grantees)}")
                { Log = new(Role: string.Join(", ", grantees), Schema: schema), Target = ChangeTarget.OnSchema(schema) });
    }

    /// <summary>A grantee list where PUBLIC is the keyword, not a quoted role name.</summary>
    public static string Grantees(IEnumerable<string> grantees) =>
        string.Join(", ", grantees.Select(g => g == CurrentState.Public ? "PUBLIC" : Ident.Quote(g)));
}
