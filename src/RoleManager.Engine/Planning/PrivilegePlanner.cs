using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>Privileges on the database, on the objects of the managed schemas, and default privileges.</summary>
internal static class PrivilegePlanner
{
    /// <summary>Objects named in one GRANT/REVOKE at most, to keep statements a readable size.</summary>
    private const int MaxObjectsPerStatement = 500;

    internal static readonly ObjectKind[] Kinds = [ObjectKind.Table, ObjectKind.Sequence, ObjectKind.Routine];

    public static void PlanDatabase(PlanContext context)
    {
        var server = context.Current.Server;
        var wanted = context.PresentRoles.Where(r => r.Name != server.DatabaseOwner)
            .Select(r => (r.Name, r.DatabasePrivileges.Aggregate(Privilege.None, (all, p) => all | ToPrivilege(p))))
            .Append((CurrentState.Public, Privilege.None)).ToList();
        var acl = context.Current.DatabaseAcl;
        string db = Ident.Quote(context.Desired.Database);
        // No declared role may pass its access on: first its grant option goes, CASCADE taking what it granted with it.
        var passing = context.PresentRoles.Where(r => r.Name != server.DatabaseOwner && server.DatabaseGrantOptionHolders.Contains(r.Name)).Select(r => r.Name).ToList();
        if (passing.Count > 0)
            context.Builder.Add(Phase.Database, new Change(ChangeKind.RevokeDatabase,
                $"revoke the grant option on database {context.Desired.Database} from {string.Join(", ", passing)}",
                $"REVOKE GRANT OPTION FOR ALL PRIVILEGES ON DATABASE {db} FROM {SchemaPlanner.Grantees(passing)} CASCADE")
            { Log = new(Role: string.Join(", ", passing), Object: $"database {context.Desired.Database}") });
        foreach (var (privileges, grantees) in AclDiff.GroupBySet(wanted.Select(w => (w.Item1, AclDiff.Extra(w.Item2, AclDiff.Of(acl, w.Item1))))))
            context.Builder.Add(Phase.Database, new Change(ChangeKind.RevokeDatabase,
                $"revoke {Privileges.ToSql(privileges)} on database {context.Desired.Database} from {string.Join(", ", grantees)}",
                $"REVOKE {Privileges.ToSql(privileges)} ON DATABASE {db} FROM {SchemaPlanner.Grantees(grantees)}")
            { Log = new(Role: string.Join(", ", grantees), Object: $"database {context.Desired.Database}") });
        foreach (var (privileges, grantees) in AclDiff.GroupBySet(wanted.Select(w => (w.Item1, AclDiff.Missing(w.Item2, AclDiff.Of(acl, w.Item1))))))
            context.Builder.Add(Phase.Database, new Change(ChangeKind.GrantDatabase,
                $"grant {Privileges.ToSql(privileges)} on database {context.Desired.Database} to {string.Join(", ", grantees)}",
                $"GRANT {Privileges.ToSql(privileges)} ON DATABASE {db} TO {SchemaPlanner.Grantees(grantees)}")
            { Log = new(Role: string.Join(", ", grantees), Object: $"database {context.Desired.Database}") });
    }

    private static Privilege ToPrivilege(DatabasePrivilege p) => PrivilegeModel.ToPrivilege(p);

    /// <summary>What a declared role (or PUBLIC: nothing) should hold on every object of a kind in a schema it does not own.</summary>
    internal static Privilege Wanted(PlanContext context, RoleSpec? role, SchemaSpec schema, ObjectKind kind) =>
        role is null ? Privilege.None : PrivilegeModel.Direct(role, schema, kind, context.Version);

    /// <summary>
    /// The grants of the declared roles and of PUBLIC on the objects of the managed schemas, as they will be after
    /// <see cref="OwnershipPlanner"/> has handed objects over (<paramref name="objectsAfterHandover"/>). Objects of
    /// a superuser are left out: the master cannot change their grants (the ownership finding names them); so are an
    /// extension's members and code left with its owner (<see cref="OwnershipPlanner.LeftAlone"/>).
    /// </summary>
    public static void PlanObjects(PlanContext context, ImmutableArray<DbObject> objectsAfterHandover)
    {
        var bySchemaAndKind = objectsAfterHandover.Where(o => !OwnershipPlanner.LeftAlone(context, o)).ToLookup(o => (o.Schema, o.Kind));
        // ON ALL ... IN SCHEMA would also touch the objects left alone (a superuser's fail at apply): name the objects instead there.
        var withSuperuserObjects = objectsAfterHandover.Where(o => OwnershipPlanner.LeftAlone(context, o)).Select(o => (o.Schema, o.Kind)).ToHashSet();
        var grantees = context.PresentRoles.Select(r => (Name: r.Name, Spec: (RoleSpec?)r)).Append((CurrentState.Public, null)).ToList();
        foreach (var schema in context.Desired.Schemas)
        foreach (var kind in Kinds)
        {
            var objects = bySchemaAndKind[(schema.Name, kind)].ToList();
            if (objects.Count == 0) continue;
            // Objects sharing an owner and an ACL (the inspector hands out one ACL instance per group) are diffed once
            // per role, so a converged schema costs O(groups) per role instead of O(objects).
            var (classOf, classes) = ShareOwnerAndAcl(objects);
            // ON ALL grants of equal privileges go out as one statement for all their roles, after the loop: one role per
            // statement rewrote every object's ACL once per role, each time on a longer row version chain (1,000 readers:
            // quadratic, minutes). Grants after every revoke of the schema and kind: a CASCADE revoke cannot undo them.
            var grantAll = new SortedDictionary<Privilege, List<string>>();
            var owned = new bool[classes.Count];
            var classMissing = new Privilege[classes.Count];
            var classExtra = new Privilege[classes.Count];
            foreach (var role in grantees)
            {
                var wanted = Wanted(context, role.Spec, schema, kind);
                // Named table grants (tables:) make what the role wants differ from table to table: diffed object by
                // object and never granted or revoked ON ALL, which would spread one table's grant to the others.
                var named = kind == ObjectKind.Table && role.Spec is { } spec ? NamedTables(spec, schema.Name) : null;
                if (named is { Count: > 0 })
                {
                    var (perMissing, perExtra) = DiffEachObject(objects, role.Name, name => wanted | named.GetValueOrDefault(name), context.Version);
                    EmitObjects(context, grant: false, schema.Name, kind, role.Name, perExtra, objects, namedOnly: true);
                    RevokeGrantOptions(context, schema.Name, kind, role.Name, objects);
                    EmitObjects(context, grant: true, schema.Name, kind, role.Name, perMissing, objects, namedOnly: true);
                    continue;
                }
                bool ownsSome = false, anyMissing = false, anyExtra = false;
                for (int c = 0; c < classes.Count; c++)
                {
                    owned[c] = classes[c].Owner == role.Name;
                    ownsSome |= owned[c];
                    var have = AclDiff.Of(classes[c].Acl, role.Name) & ~Privilege.GrantOption;
                    // An owner holds every privilege of its object unless it revoked some from itself: those are granted back.
                    classMissing[c] = owned[c] ? OwnerLacks(classes[c].Acl, role.Name, kind, context.Version) : AclDiff.Missing(wanted, have);
                    classExtra[c] = owned[c] ? Privilege.None : AclDiff.Extra(wanted, have);
                    anyMissing |= classMissing[c] != Privilege.None;
                    anyExtra |= classExtra[c] != Privilege.None;
                }
                var missing = new List<(DbObject, Privilege)>();
                var extra = new List<(DbObject, Privilege)>();
                if (anyMissing || anyExtra)
                    for (int i = 0; i < objects.Count; i++)
                    {
                        int c = classOf[i];
                        if (classMissing[c] != Privilege.None) missing.Add((objects[i], classMissing[c]));
                        if (classExtra[c] != Privilege.None) extra.Add((objects[i], classExtra[c]));
                    }
                bool namedOnly = ownsSome || withSuperuserObjects.Contains((schema.Name, kind));
                EmitObjects(context, grant: false, schema.Name, kind, role.Name, extra, objects, namedOnly);
                RevokeGrantOptions(context, schema.Name, kind, role.Name, objects);
                EmitObjects(context, grant: true, schema.Name, kind, role.Name, missing, objects, namedOnly, grantAll);
            }
            foreach (var (privileges, roles) in grantAll)
            foreach (var chunk in roles.Chunk(MaxRolesPerStatement))
            {
                using var unit = context.Builder.BeginUnit();
                ActAsForSchema(context, schema.Name);
                foreach (var owner in objects.Select(o => o.Owner).Distinct()) context.ActAs(owner);
                string plural = Privileges.KindPlural(kind).ToLowerInvariant();
                context.Builder.Add(Phase.ObjectPrivileges, new Change(ChangeKind.GrantObjects,
                    $"grant {Privileges.ToSql(privileges)} on all {plural} in schema {schema.Name} to {RolePlanner.Who(chunk)}",
                    $"GRANT {Privileges.ToSql(privileges)} ON ALL {Privileges.KindPlural(kind)} IN SCHEMA {Ident.Quote(schema.Name)} TO {SchemaPlanner.Grantees(chunk)}")
                { Target = ChangeTarget.AllIn(schema.Name) });
            }
        }
    }

    /// <summary>The table-level privileges the role's named grants add, by table (none: an empty map).</summary>
    private static Dictionary<string, Privilege> NamedTables(RoleSpec role, string schema) =>
        PrivilegeModel.NamedIn(role, schema).Where(g => !g.OnColumns)
            .GroupBy(g => g.Table, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Aggregate(Privilege.None, (all, n) => all | n.Privileges), StringComparer.Ordinal);

    /// <summary>What each object (not owned by the role) lacks and has beyond <paramref name="wantedOn"/> its name.</summary>
    private static (List<(DbObject, Privilege)> Missing, List<(DbObject, Privilege)> Extra) DiffEachObject(
        List<DbObject> objects, string role, Func<string, Privilege> wantedOn, int version)
    {
        var missing = new List<(DbObject, Privilege)>();
        var extra = new List<(DbObject, Privilege)>();
        foreach (var obj in objects)
        {
            if (obj.Owner == role)
            {
                if (OwnerLacks(obj.Acl, role, obj.Kind, version) is var lacking and not Privilege.None) missing.Add((obj, lacking));
                continue;
            }
            var have = AclDiff.Of(obj.Acl, role) & ~Privilege.GrantOption;
            var wanted = wantedOn(obj.Name);
            if (AclDiff.Missing(wanted, have) is var lacks and not Privilege.None) missing.Add((obj, lacks));
            if (AclDiff.Extra(wanted, have) is var beyond and not Privilege.None) extra.Add((obj, beyond));
        }
        return (missing, extra);
    }

    /// <summary>
    /// What an owner revoked from itself on its own object (finding 4): an owner holds every privilege of the kind, so
    /// nothing is revoked from it, and what it lacks is granted back. An ACL without the owner's entry (the inspector
    /// always reads one for a declared owner, <c>NONE</c> when it revoked all) is taken as the default: everything.
    /// </summary>
    internal static Privilege OwnerLacks(ImmutableDictionary<string, Privilege> acl, string owner, ObjectKind kind, int version) =>
        acl.TryGetValue(owner, out var have) ? AclDiff.Missing(Privileges.AllFor(kind, version), have & ~Privilege.GrantOption) : Privilege.None;

    /// <summary>Roles named in one ON ALL grant at most (as for drops: readable, and 5,000 roles are 10 statements).</summary>
    private const int MaxRolesPerStatement = RolePlanner.DropChunk;

    /// <summary>
    /// Naming objects in a schema (one by one or ON ALL ... IN SCHEMA) needs USAGE on it, which the master may
    /// lack once the schema belongs to migrator (e.g. its own tables in a schema it handed over): act as the owner.
    /// </summary>
    private static void ActAsForSchema(PlanContext context, string schema)
    {
        if (context.Desired.Schemas.FirstOrDefault(s => s.Name == schema) is { } declared
            && !(context.Current.Schemas.TryGetValue(schema, out var live)
                 && (AclDiff.Of(live.Acl, context.Master) | AclDiff.Of(live.Acl, CurrentState.Public)).HasFlag(Privilege.Usage)))
            context.ActAsSchemaOwner(schema, declared.Owner);
    }

    /// <summary>
    /// Numbers the distinct (owner, ACL instance) pairs of <paramref name="objects"/>: <c>classOf[i]</c> is the class
    /// of object i. ACLs are compared by reference, so equal ACLs in distinct instances only make more classes.
    /// </summary>
    private static (int[] ClassOf, List<(string Owner, ImmutableDictionary<string, Privilege> Acl)> Classes) ShareOwnerAndAcl(List<DbObject> objects)
    {
        var classOf = new int[objects.Count];
        var classes = new List<(string Owner, ImmutableDictionary<string, Privilege> Acl)>();
        var index = new Dictionary<(string, ImmutableDictionary<string, Privilege>), int>(OwnerAndAclComparer.Instance);
        for (int i = 0; i < objects.Count; i++)
        {
            var key = (objects[i].Owner, objects[i].Acl);
            if (!index.TryGetValue(key, out int c))
            {
                c = classes.Count;
                index.Add(key, c);
                classes.Add(key);
            }
            classOf[i] = c;
        }
        return (classOf, classes);
    }

    private sealed class OwnerAndAclComparer : IEqualityComparer<(string Owner, ImmutableDictionary<string, Privilege> Acl)>
    {
        public static readonly OwnerAndAclComparer Instance = new();

        public bool Equals((string Owner, ImmutableDictionary<string, Privilege> Acl) x, (string Owner, ImmutableDictionary<string, Privilege> Acl) y) =>
            ReferenceEquals(x.Acl, y.Acl) && string.Equals(x.Owner, y.Owner, StringComparison.Ordinal);

        public int GetHashCode((string Owner, ImmutableDictionary<string, Privilege> Acl) key) =>
            HashCode.Combine(StringComparer.Ordinal.GetHashCode(key.Owner), RuntimeHelpers.GetHashCode(key.Acl));
    }

    /// <summary>
    /// One statement for the whole schema (<c>ON ALL TABLES IN SCHEMA</c>) when at least half of its objects
    /// need the change — idempotent for the rest, and the statement count then grows with roles × schemas,
    /// not with objects. Otherwise one statement per distinct privilege set, naming the objects.
    /// ON ALL is never used when the grantee owns objects there, so an owner's own rights are never touched, nor where
    /// a superuser owns objects of that kind in the schema (<paramref name="namedOnly"/>), which the master may not grant on.
    /// </summary>
    private static void EmitObjects(PlanContext context, bool grant, string schema, ObjectKind kind, string role,
        List<(DbObject Object, Privilege Privileges)> items, List<DbObject> allObjects, bool namedOnly,
        SortedDictionary<Privilege, List<string>>? grantAll = null)
    {
        if (items.Count == 0) return;
        if (grant && grantAll is not null && !namedOnly && items.Count * 2 >= allObjects.Count)
        {
            var privileges = items.Aggregate(Privilege.None, (all, i) => all | i.Privileges);
            if (!grantAll.TryGetValue(privileges, out var roles)) grantAll[privileges] = roles = new List<string>();
            roles.Add(role);
            return;
        }
        using var unit = context.Builder.BeginUnit();
        ActAsForSchema(context, schema);
        string verb = grant ? "GRANT" : "REVOKE", word = grant ? "TO" : "FROM", lower = grant ? "grant" : "revoke";
        string plural = Privileges.KindPlural(kind).ToLowerInvariant();
        if (!namedOnly && items.Count * 2 >= allObjects.Count)
        {
            foreach (var owner in allObjects.Select(o => o.Owner).Distinct()) context.ActAs(owner);
            var union = items.Aggregate(Privilege.None, (all, i) => all | i.Privileges);
            context.Builder.Add(Phase.ObjectPrivileges, new Change(grant ? ChangeKind.GrantObjects : ChangeKind.RevokeObjects,
                $"{lower} {Privileges.ToSql(union)} on all {plural} in schema {schema} {word.ToLowerInvariant()} {role}",
                $"{verb} {Privileges.ToSql(union)} ON ALL {Privileges.KindPlural(kind)} IN SCHEMA {Ident.Quote(schema)} {word} {SchemaPlanner.Grantees([role])}")
            { Log = new(Role: role, Schema: schema, Object: $"all {plural}"), Target = ChangeTarget.AllIn(schema) });
            return;
        }
        foreach (var owner in items.Select(i => i.Object.Owner).Distinct()) context.ActAs(owner);
        foreach (var group in items.GroupBy(i => i.Privileges).OrderBy(g => (int)g.Key))
        foreach (var chunk in group.Chunk(MaxObjectsPerStatement))
        {
            string names = string.Join(", ", chunk.Select(i => ObjectName(i.Object)));
            string what = chunk.Length == 1 ? $"{Privileges.KindSingular(kind).ToLowerInvariant()} {schema}.{chunk[0].Object.Name}" : $"{chunk.Length} {plural} in schema {schema}";
            context.Builder.Add(Phase.ObjectPrivileges, new Change(grant ? ChangeKind.GrantObjects : ChangeKind.RevokeObjects,
                $"{lower} {Privileges.ToSql(group.Key)} on {what} {word.ToLowerInvariant()} {role}",
                $"{verb} {Privileges.ToSql(group.Key)} ON {Privileges.KindSingular(kind)} {names} {word} {SchemaPlanner.Grantees([role])}")
            { Log = new(Role: role, Schema: schema, Object: chunk.Length == 1 ? chunk[0].Object.Name : $"{chunk.Length} {plural}"),
              Target = ChangeTarget.On(schema, chunk.Select(i => i.Object.Name)) });
        }
    }

    /// <summary>
    /// No declared role may pass its privileges on: a grant option is revoked with CASCADE, which also removes
    /// the grants the role made with it (REVOKE by the owner alone would leave those in place).
    /// </summary>
    private static void RevokeGrantOptions(PlanContext context, string schema, ObjectKind kind, string role, List<DbObject> objects)
    {
        var holding = objects.Where(o => o.Owner != role && AclDiff.Of(o.Acl, role).HasFlag(Privilege.GrantOption)).ToList();
        if (holding.Count == 0) return;
        using var unit = context.Builder.BeginUnit();
        foreach (var owner in holding.Select(o => o.Owner).Distinct()) context.ActAs(owner);
        if (context.Desired.Schemas.FirstOrDefault(s => s.Name == schema) is { } declared) context.ActAsSchemaOwner(schema, declared.Owner);
        foreach (var chunk in holding.Chunk(MaxObjectsPerStatement))
            context.Builder.Add(Phase.ObjectPrivileges, new Change(ChangeKind.RevokeObjects,
                $"revoke the grant option of {role} on {chunk.Length} {Privileges.KindPlural(kind).ToLowerInvariant()} in schema {schema}",
                $"REVOKE GRANT OPTION FOR ALL PRIVILEGES ON {Privileges.KindSingular(kind)} {string.Join(", ", chunk.Select(ObjectName))} " +
                $"FROM {SchemaPlanner.Grantees([role])} CASCADE")
            { Log = new(Role: role, Schema: schema, Object: chunk.Length == 1 ? chunk[0].Name : $"{chunk.Length} {Privileges.KindPlural(kind).ToLowerInvariant()}"),
              Target = ChangeTarget.On(schema, chunk.Select(o => o.Name)) });
    }

    internal static string ObjectName(DbObject obj) =>
        obj.Kind == ObjectKind.Routine ? $"{Ident.Qualified(obj.Schema, obj.Name)}({obj.Signature})" : Ident.Qualified(obj.Schema, obj.Name);
}
