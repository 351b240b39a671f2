using System.Collections.Immutable;
using RoleManager.Model;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>
/// A cluster config: the roles once (their cluster-wide keys), then each database with its schemas, extensions,
/// grant_mode and what each declared role has there:
/// <code>
/// auth: iam
/// roles:
///   - { name: orders_migrator }
///   - { name: orders_app }
/// databases:
///   - name: orders
///     schemas: [{ name: orders, owner: orders_migrator }]
///     roles:
///       - { name: orders_app, search_path: [orders], grants: [{ schema: orders, profile: readwrite }] }
/// </code>
/// Each database becomes one <see cref="DesiredState"/> holding every declared role: a role listed under the database
/// gets its grants, search_path, database_settings and database_privileges there (CONNECT and TEMPORARY by default for
/// a login role); a role not listed gets nothing in it, not even CONNECT, unless it owns one of its schemas (then the
/// default database privileges).
/// </summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] ClusterTopKeys = ["auth", "roles", "databases"];
    private static readonly string[] DatabaseKeys = ["name", "grant_mode", "schemas", "extensions", "roles"];
    private static readonly string[] DatabaseRoleKeys = ["name", "search_path", "database_settings", "database_privileges", "grants"];

    /// <summary>A database's entry for one role: what the role has in that database.</summary>
    private sealed record DatabaseRole(string Name, YamlMappingNode Node, string Path, ImmutableArray<string>? SearchPath,
        List<Located<GrantSpec>> Grants, ImmutableSortedDictionary<string, string> Settings, ImmutableArray<DatabasePrivilege>? Privileges);

    private ClusterLayout? ReadCluster(YamlMappingNode root)
    {
        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>())
        {
            if (key.Value is "database") Problem(key, "database", "a cluster config names its databases under 'databases' (- name: ...): remove 'database'");
            else if (key.Value is "schemas" or "extensions" or "grant_mode")
                Problem(key, key.Value, $"'{key.Value}' belongs to one database in a cluster config: write it under that entry of 'databases'");
        }
        CheckKeys(root, "", ClusterTopKeys, ["database", "schemas", "extensions", "grant_mode"]);
        var defaultAuth = Enum(root, "auth", "", ParseAuth) ?? defaults.Auth;
        var roles = ReadList(root, "roles", "", (node, path) => ReadClusterRole(node, path, defaultAuth));

        var list = Child(root, "databases");
        if (list is not YamlSequenceNode databases || databases.Children.Count == 0)
        {
            Problem(list!, "databases", "must be a list of databases, e.g. [{ name: orders, schemas: [...], roles: [...] }]");
            return null;
        }
        var states = ImmutableArray.CreateBuilder<DesiredState>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < databases.Children.Count; i++)
        {
            string path = $"databases[{i}]";
            if (databases.Children[i] is not YamlMappingNode map) { Problem(databases.Children[i], path, "each database is a mapping with 'name', 'schemas' and 'roles'"); continue; }
            CheckKeys(map, path, DatabaseKeys);
            string? name = Required(map, "name", path);
            if (name is not null && Names.Problem(name, "database") is { } p) { Problem(Child(map, "name")!, path + ".name", p); name = null; }
            if (name is not null && !seen.Add(name)) { Problem(Child(map, "name")!, path + ".name", $"database \"{name}\" is listed twice"); name = null; }
            if (ReadDatabase(map, path, name, roles) is { } state) states.Add(state);
        }
        return Problems.Count > 0 ? null : new ClusterLayout(states.ToImmutable(), IsCluster: true);
    }

    /// <summary>A top-level role of a cluster config: its cluster-wide keys only; what it has in a database is written there.</summary>
    private LocatedRole? ReadClusterRole(YamlNode node, string path, AuthMode defaultAuth)
    {
        if (node is YamlMappingNode map)
        {
            string name = (Child(map, "name") as YamlScalarNode)?.Value ?? "NAME";
            foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => DatabaseRoleKeys.Contains(k.Value) && k.Value != "name"))
                Problem(key, Join(path, key.Value!), $"'{key.Value}' is per database in a cluster config: write it under 'databases', in the entry {{ name: {name} }} of each database's 'roles' where it applies");
        }
        return ReadRole(node, path, defaultAuth);
    }

    private DesiredState? ReadDatabase(YamlMappingNode map, string path, string? name, List<LocatedRole> clusterRoles)
    {
        var grantMode = Enum(map, "grant_mode", path, GroupRoles.ParseMode) ?? defaults.GrantMode;
        _schemaModes = new(StringComparer.Ordinal);
        var schemas = ReadList(map, "schemas", path, ReadSchema);
        var extensions = ReadExtensions(map, path);
        var entries = ReadList(map, "roles", path, ReadDatabaseRole);
        var declared = clusterRoles.GroupBy(r => r.Spec.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var at = Child(entry.Node, "name")!;
            if (!declared.ContainsKey(entry.Name))
                Problem(at, entry.Path + ".name", $"role \"{entry.Name}\" is not declared under the top-level 'roles': declare it there (with its cluster-wide keys), then what it has in this database here");
            else if (entries.First(e => e.Name == entry.Name) != entry)
                Problem(at, entry.Path + ".name", $"role \"{entry.Name}\" is listed twice in this database");
        }
        // A role that owns one of the database's schemas is at home there even when it is not listed: it connects.
        var owners = schemas.Select(s => s.Spec.Owner).ToHashSet(StringComparer.Ordinal);
        var roles = clusterRoles.Select(role => entries.FirstOrDefault(e => e.Name == role.Spec.Name) is { } entry
            ? new LocatedRole(role.Spec with
            {
                SearchPath = entry.SearchPath,
                Grants = [.. entry.Grants.Select(g => g.Spec)],
                NamedGrants = [.. entry.Grants.SelectMany(NamedGrantsOf)],
                DatabaseSettings = entry.Settings,
                DatabasePrivileges = entry.Privileges ?? DefaultDatabasePrivileges(role.Spec.Login),
            }, entry.Node, entry.Path, entry.Grants)
            : role with
            {
                Spec = role.Spec with
                {
                    SearchPath = null, Grants = [], NamedGrants = [], DatabaseSettings = ImmutableSortedDictionary<string, string>.Empty,
                    DatabasePrivileges = owners.Contains(role.Spec.Name) ? DefaultDatabasePrivileges(role.Spec.Login) : [],
                },
                Grants = [],
            }).ToList();
        var state = Build(name, grantMode, schemas, roles, extensions);
        return name is null ? null : state;
    }

    private DatabaseRole? ReadDatabaseRole(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map) { Problem(node, path, "each entry is a mapping with 'name' (a role declared under the top-level 'roles') and what it has in this database"); return null; }
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => RoleKeys.Contains(k.Value) && !DatabaseRoleKeys.Contains(k.Value)))
            Problem(key, Join(path, key.Value!), $"'{key.Value}' is cluster-wide: set it on the role under the top-level 'roles' (it applies in every database)");
        CheckKeys(map, path, DatabaseRoleKeys, RoleKeys);
        string? name = Required(map, "name", path);
        if (name is not null && Names.RoleProblem(name) is { } p) { Problem(Child(map, "name")!, path + ".name", p); name = null; }
        var searchPath = ReadSearchPath(map, path);
        var privileges = ReadDatabasePrivileges(map, path);
        var grants = ReadList(map, "grants", path, ReadGrant);
        var settings = ReadSettings(map, "database_settings", path);
        return name is null ? null : new DatabaseRole(name, map, path, searchPath, grants, settings, privileges);
    }
}
