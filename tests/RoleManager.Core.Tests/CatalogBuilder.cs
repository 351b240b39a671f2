using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Core.Tests;

/// <summary>Builds a <see cref="CurrentState"/> by hand, so the pure planner is tested without a database.</summary>
internal sealed class CatalogBuilder
{
    public const string Master = "master";
    private readonly Dictionary<string, CurrentRole> _roles = new();
    private readonly Dictionary<string, CurrentSchema> _schemas = new();
    private readonly List<DbObject> _objects = new();
    private readonly List<DefaultAcl> _defaults = new();
    private ImmutableDictionary<string, Privilege> _databaseAcl = ImmutableDictionary<string, Privilege>.Empty
        .Add(CurrentState.Public, Privilege.Connect | Privilege.Temporary).Add(Master, Privilege.Connect | Privilege.Temporary | Privilege.Create);

    public int Version { get; set; } = 150000;
    public bool HasRdsIam { get; set; } = true;
    public bool MasterIsSuperuser { get; set; }
    public string Database { get; set; } = "appdb";

    public CatalogBuilder Role(string name, bool actedAs = false, ImmutableArray<string>? searchPath = null, params string[] memberOf)
    {
        // The search_path a run writes is the one for this database (ALTER ROLE ... IN DATABASE ... SET).
        _roles[name] = new CurrentRole(name, true, false, false, false, true, false, false, -1, SearchPath: null,
            memberOf.ToImmutableHashSet(), actedAs, actedAs)
        { DatabaseSettings = searchPath is { } path ? ["search_path=" + string.Join(", ", path)] : [] };
        return this;
    }

    public CatalogBuilder Schema(string name, string owner, params (string Grantee, Privilege Privileges)[] acl)
    {
        _schemas[name] = new CurrentSchema(name, owner, owner == Master, Acl(acl.Prepend((owner, Privilege.Usage | Privilege.Create))));
        return this;
    }

    public CatalogBuilder Table(string schema, string name, string owner, params (string Grantee, Privilege Privileges)[] acl) =>
        Object(schema, name, ObjectKind.Table, owner, acl);

    public CatalogBuilder Object(string schema, string name, ObjectKind kind, string owner, params (string Grantee, Privilege Privileges)[] acl)
    {
        _objects.Add(new DbObject(schema, name, kind == ObjectKind.Routine ? "" : "", kind, owner, owner == Master, Acl(acl)));
        return this;
    }

    public CatalogBuilder Default(string owner, string schema, ObjectKind kind, params (string Grantee, Privilege Privileges)[] acl)
    {
        // The catalog holds one entry per owner, schema and kind: a later call replaces the earlier one.
        _defaults.RemoveAll(d => d.Owner == owner && d.Schema == schema && d.Kind == kind);
        _defaults.Add(new DefaultAcl(owner, schema, kind, Acl(acl)));
        return this;
    }

    public CatalogBuilder DatabaseAcl(params (string Grantee, Privilege Privileges)[] acl)
    {
        _databaseAcl = Acl(acl.Append((Master, Privilege.Connect | Privilege.Temporary | Privilege.Create)));
        return this;
    }

    public CurrentState Build() => new(
        new ServerInfo(Version, $"{Version / 10000}.1", Master, MasterIsSuperuser, Database, Master, HasRdsIam),
        _databaseAcl, ImmutableHashSet<string>.Empty.Add("plpgsql"), _roles.ToImmutableDictionary(), _schemas.ToImmutableDictionary(),
        _objects.ToImmutableArray(), _defaults.ToImmutableArray());

    private static ImmutableDictionary<string, Privilege> Acl(IEnumerable<(string Grantee, Privilege Privileges)> acl) =>
        acl.GroupBy(a => a.Grantee).ToImmutableDictionary(g => g.Key, g => g.Aggregate(Privilege.None, (all, a) => all | a.Privileges));

    /// <summary>The catalog of a database on which the default layout (app, migrator, schema app) has been applied.</summary>
    public static CatalogBuilder Converged(AuthMode auth = AuthMode.Iam)
    {
        var rw = Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete;
        var seq = Privilege.Usage | Privilege.Select | Privilege.Update;
        string[] iam = auth == AuthMode.Iam ? ["rds_iam"] : [];
        return new CatalogBuilder()
            .Role("migrator", searchPath: ["app"], memberOf: iam)
            .Role("app", searchPath: ["app"], memberOf: iam)
            .DatabaseAcl(("migrator", Privilege.Connect | Privilege.Temporary), ("app", Privilege.Connect | Privilege.Temporary))
            .Schema("app", "migrator", ("app", Privilege.Usage))
            .Schema("public", "pg_database_owner", (CurrentState.Public, Privilege.Usage))
            .Default("migrator", "app", ObjectKind.Table, ("app", rw))
            .Default("migrator", "app", ObjectKind.Sequence, ("app", seq))
            .Default("migrator", "app", ObjectKind.Routine, ("app", Privilege.Execute))
            // The global entry that takes EXECUTE on migrator's future functions from PUBLIC.
            .Default("migrator", DefaultAcl.Global, ObjectKind.Routine, ("migrator", Privilege.Execute));
    }
}
