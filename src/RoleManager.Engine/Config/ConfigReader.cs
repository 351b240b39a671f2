using System.Collections.Immutable;
using RoleManager.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>The walk over one document: each section read into specs, every problem collected as it goes.</summary>
internal sealed partial class ConfigReader(string source, Func<string, string?> environment, ConfigDefaults defaults) : ConfigNodeReader(new ConfigProblems(source))
{
    private static readonly string[] TopKeys = ["database", "auth", "grant_mode", "schemas", "roles", "extensions"];
    private static readonly string[] SchemaKeys = ["name", "owner", "grant_mode"];
    private static readonly string[] RoleKeys = ["name", "login", "auth", "password_env", "password_secret", "search_path", "connection_limit", "createdb", "createrole", "member_of", "database_privileges", "grants", "drop", "adopt", "reassign_owned_to", "settings", "database_settings"];
    private static readonly string[] ExtensionKeys = ["name", "schema"];
    private static readonly string[] GrantKeys = ["schema", "profile", "execute", "tables", "columns"];

    /// <summary>The <c>grant_mode</c> of each schema that sets one (else the top-level one applies); one per database read.</summary>
    private Dictionary<string, GrantMode> _schemaModes = new(StringComparer.Ordinal);

    /// <summary>The one-database config (<c>database:</c>) or a cluster config (<c>databases:</c>, ConfigReader.Cluster.cs).</summary>
    public ClusterLayout? ReadLayout(YamlMappingNode root)
    {
        if (Child(root, "databases") is not null) return ReadCluster(root);
        return Read(root) is { } state ? ClusterLayout.One(state) : null;
    }

    public DesiredState? Read(YamlMappingNode root)
    {
        CheckKeys(root, "", TopKeys);
        string? database = Scalar(root, "database", "") ?? defaults.Database;
        if (database is null) Problems.Whole("database", "'database' is missing: set it in the config, or pass --dbname / DB_NAME.");
        else if (Names.Problem(database, "database") is { } p) Problem(Child(root, "database") ?? root, "database", p);

        var defaultAuth = Enum(root, "auth", "", ParseAuth) ?? defaults.Auth;
        var grantMode = Enum(root, "grant_mode", "", GroupRoles.ParseMode) ?? defaults.GrantMode;
        _schemaModes = new(StringComparer.Ordinal);
        var schemas = ReadList(root, "schemas", "", ReadSchema);
        var roles = ReadList(root, "roles", "", (node, path) => ReadRole(node, path, defaultAuth));
        var extensions = ReadExtensions(root, "");
        var grouped = Build(database, grantMode, schemas, roles, extensions);
        return Problems.Count > 0 ? null : grouped;
    }

    /// <summary>
    /// One database's desired state from what was read of it: the checks between sections, then the group roles. Run on
    /// whatever could be read, so one run reports every problem.
    /// </summary>
    private DesiredState Build(string? database, GrantMode grantMode, List<Located<SchemaSpec>> schemas, List<LocatedRole> roles,
        List<(string Name, string? Schema, YamlNode Node, string Path)> extensions)
    {
        var state = new DesiredState(database ?? "", schemas.Select(s => s.Spec).ToImmutableArray(), roles.Select(r => r.Spec).ToImmutableArray(),
            extensions.Select(e => e.Name).ToImmutableArray())
        {
            ExtensionSchemas = extensions.Where(e => e.Schema is not null).ToImmutableDictionary(e => e.Name, e => e.Schema!),
        };
        var schemaNames = schemas.Select(s => s.Spec.Name).Append("public").ToHashSet(StringComparer.Ordinal);
        foreach (var (name, schema, node, path) in extensions.Where(e => e.Schema is not null && !schemaNames.Contains(e.Schema)))
            Problem(node, path + ".schema", $"schema \"{schema}\" of extension \"{name}\" is not declared under 'schemas' (nor public)");
        var checkedState = ConfigCrossCheck.Check(Problems, state, schemas, roles);
        // The group roles are generated after every reference is checked, so problems name what the user wrote. On a
        // config with problems they are checked on its sound part: a name declared twice counts once, and a grant on
        // an undeclared schema (already a problem) has no group to go through.
        if (Problems.Count > 0)
        {
            var declared = checkedState.Schemas.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            checkedState = checkedState with
            {
                Schemas = checkedState.Schemas.DistinctBy(s => s.Name).ToImmutableArray(),
                Roles = checkedState.Roles.DistinctBy(r => r.Name)
                    .Select(r => r with { Grants = r.Grants.Where(g => declared.Contains(g.Schema)).ToImmutableArray() }).ToImmutableArray(),
            };
        }
        return database is null ? checkedState : GroupRoles.Apply(checkedState, grantMode, _schemaModes, (role, message) =>
        {
            var declared = roles.FirstOrDefault(r => r.Spec.Name == role);
            if (declared is null) Problems.Whole("grant_mode", message);
            else Problem(Child((YamlMappingNode)declared.Node, "name") ?? declared.Node, declared.Path + ".name", message);
        });
    }

    /// <summary>
    /// <c>extensions</c>: each item a name (created in the first managed schema) or <c>{name, schema}</c>.
    /// </summary>
    private List<(string Name, string? Schema, YamlNode Node, string Path)> ReadExtensions(YamlMappingNode parent, string parentPath)
    {
        var result = new List<(string Name, string? Schema, YamlNode Node, string Path)>();
        var node = Child(parent, "extensions");
        if (node is null) return result;
        if (node is not YamlSequenceNode list) { Problem(node, Join(parentPath, "extensions"), "must be a list, e.g. [pgcrypto, {name: vector, schema: app}]"); return result; }
        for (int i = 0; i < list.Children.Count; i++)
        {
            string path = $"{Join(parentPath, "extensions")}[{i}]";
            string? name = null, schema = null;
            var item = list.Children[i];
            if (item is YamlScalarNode { Value: { } plain }) name = plain;
            else if (item is YamlMappingNode map)
            {
                CheckKeys(map, path, ExtensionKeys);
                name = Required(map, "name", path);
                schema = Scalar(map, "schema", path);
                if (schema is not null && Names.SchemaProblem(schema) is { } sp) { Problem(Child(map, "schema")!, path + ".schema", sp); continue; }
            }
            else { Problem(item, path, "must be an extension name or a mapping { name: NAME, schema: SCHEMA }"); continue; }
            if (name is null) continue;
            if (Names.Problem(name, "extension") is { } problem) { Problem(item, path, problem); continue; }
            if (result.Any(e => e.Name == name)) { Problem(item, path, $"\"{name}\" is listed twice"); continue; }
            result.Add((name, schema, item, path));
        }
        return result;
    }

    private Located<SchemaSpec>? ReadSchema(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map) { Problem(node, path, "each schema is a mapping with 'name' and 'owner'"); return null; }
        CheckKeys(map, path, SchemaKeys);
        string? name = Required(map, "name", path);
        if (name is not null && Names.SchemaProblem(name) is { } p) Problem(Child(map, "name")!, path + ".name", p);
        string owner = Scalar(map, "owner", path) ?? "";
        if (name is not null && Enum(map, "grant_mode", path, GroupRoles.ParseMode) is { } mode) _schemaModes[name] = mode;
        return name is null ? null : new Located<SchemaSpec>(new SchemaSpec(name, owner), map, path);
    }

    private LocatedRole? ReadRole(YamlNode node, string path, AuthMode defaultAuth)
    {
        if (node is not YamlMappingNode map) { Problem(node, path, "each role is a mapping with at least 'name'"); return null; }
        CheckKeys(map, path, RoleKeys);
        string? name = Required(map, "name", path);
        if (name is not null && Names.RoleProblem(name) is { } p) Problem(Child(map, "name")!, path + ".name", p);
        bool login = Bool(map, "login", path, true);
        var auth = Enum(map, "auth", path, ParseAuth) ?? (login ? defaultAuth : AuthMode.None);
        Secret? password = null;
        string? passwordEnv = Scalar(map, "password_env", path);
        string? passwordSecret = Scalar(map, "password_secret", path);
        Passwords.PasswordSource? passwordSource = null;
        if (auth == AuthMode.Password)
        {
            if (passwordEnv is not null && passwordSecret is not null) Problem(Child(map, "password_secret")!, path + ".password_secret", "give either 'password_env' or 'password_secret', not both");
            else if (passwordSecret is not null)
            {
                if (passwordSecret.Trim().Length == 0) Problem(Child(map, "password_secret")!, path + ".password_secret", "must be a Secrets Manager secret ARN or name");
                else passwordSource = new(Passwords.PasswordOrigin.Secret, passwordSecret);
            }
            else if (passwordEnv is null) Problem(map, path, "auth is 'password' but 'password_env' (the environment variable holding the password) is missing; or give 'password_secret' (a Secrets Manager secret ARN or name)");
            else if (environment(passwordEnv) is { Length: > 0 } value) (password, passwordSource) = (new Secret(value), new(Passwords.PasswordOrigin.Environment, passwordEnv));
            else Problem(Child(map, "password_env")!, path + ".password_env", $"environment variable {passwordEnv} is not set or empty: export it before running");
        }
        else if (passwordEnv is not null) Problem(Child(map, "password_env")!, path + ".password_env", $"'password_env' only applies with auth: password (this role has auth: {auth.ToString().ToLowerInvariant()})");
        else if (passwordSecret is not null) Problem(Child(map, "password_secret")!, path + ".password_secret", $"'password_secret' only applies with auth: password (this role has auth: {auth.ToString().ToLowerInvariant()})");

        var searchPath = ReadSearchPath(map, path);
        int connectionLimit = Int(map, "connection_limit", path, -1);
        if (connectionLimit < -1) Problem(Child(map, "connection_limit")!, path + ".connection_limit", "must be -1 (no limit) or a number of connections");
        var (memberOf, membershipOptions) = ReadMemberOf(map, path);
        var databasePrivileges = ReadDatabasePrivileges(map, path) ?? DefaultDatabasePrivileges(login);
        var grants = ReadList(map, "grants", path, ReadGrant);
        var spec = new RoleSpec(name ?? "", login, auth, searchPath, grants.Select(g => g.Spec).ToImmutableArray(), memberOf, databasePrivileges, connectionLimit,
            Bool(map, "createdb", path, false), Bool(map, "createrole", path, false), password, Bool(map, "drop", path, false), passwordSource)
        {
            Adopt = Bool(map, "adopt", path, false),
            ReassignOwnedTo = Scalar(map, "reassign_owned_to", path),
            NamedGrants = [.. grants.SelectMany(NamedGrantsOf)],
            Settings = ReadSettings(map, "settings", path),
            DatabaseSettings = ReadSettings(map, "database_settings", path),
            MembershipOptions = membershipOptions,
        };
        return name is null ? null : new LocatedRole(spec, map, path, grants);
    }

    private ImmutableArray<string>? ReadSearchPath(YamlMappingNode map, string path) => Child(map, "search_path") is null ? null
        : ReadScalarList(map, "search_path", path + ".search_path", s => Names.Problem(s, "schema"));

    /// <summary>A role's <c>database_privileges</c>; null when it gives none (then <see cref="DefaultDatabasePrivileges"/>).</summary>
    private ImmutableArray<DatabasePrivilege>? ReadDatabasePrivileges(YamlMappingNode map, string path) => Child(map, "database_privileges") is null ? null
        : ReadScalarList(map, "database_privileges", path + ".database_privileges", v => ParseDatabasePrivilege(v) is null ? $"'{v}' is not a database privilege: use connect, temporary or create" : null)
            .Select(v => ParseDatabasePrivilege(v)!.Value).Distinct().ToImmutableArray();

    private static ImmutableArray<DatabasePrivilege> DefaultDatabasePrivileges(bool login) =>
        login ? [DatabasePrivilege.Connect, DatabasePrivilege.Temporary] : [];

    /// <summary>A role's <c>settings</c> or <c>database_settings</c>: a mapping of setting name to value (RoleSettings' rules).</summary>
    private ImmutableSortedDictionary<string, string> ReadSettings(YamlMappingNode map, string key, string path)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var node = Child(map, key);
        if (node is null) return result.ToImmutable();
        if (node is not YamlMappingNode settings) { Problem(node, Join(path, key), "must be a mapping of setting name to value, e.g. { statement_timeout: 30s }"); return result.ToImmutable(); }
        foreach (var (nameNode, valueNode) in settings.Children)
        {
            string name = (nameNode as YamlScalarNode)?.Value ?? "";
            string at = Join(path, key) + "." + name;
            if (RoleSettings.NameProblem(name) is { } nameProblem) { Problem(nameNode, at, nameProblem); continue; }
            if (valueNode is not YamlScalarNode { Value: { } value } || (value.Length == 0 && ((YamlScalarNode)valueNode).Style == ScalarStyle.Plain))
            { Problem(valueNode, at, "must be a single value (quote an empty one: '')"); continue; }
            if (RoleSettings.ValueProblem(value) is { } valueProblem) { Problem(valueNode, at, valueProblem); continue; }
            result[name] = value;
        }
        return result.ToImmutable();
    }

    private Located<GrantSpec>? ReadGrant(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map) { Problem(node, path, "each grant is a mapping { schema: NAME, profile: owner|readwrite|readonly|all|usage }"); return null; }
        CheckKeys(map, path, GrantKeys);
        string? schema = Required(map, "schema", path);
        var profile = Enum(map, "profile", path, ParseProfile);
        if (Child(map, "profile") is null) Problem(map, path, "'profile' is missing: use owner, readwrite, readonly, all or usage");
        var named = schema is null ? [] : ReadNamedGrants(map, path, schema, profile);
        // Located at its schema: what the checks between sections say of a grant is about the schema it names.
        return schema is null || profile is null ? null
            : new Located<GrantSpec>(new GrantSpec(schema, profile.Value, Bool(map, "execute", path, false)), Child(map, "schema")!, path + ".schema") { Named = named };
    }

    internal static AuthMode? ParseAuth(string value) => value.ToLowerInvariant() switch
    {
        "iam" => AuthMode.Iam,
        "password" => AuthMode.Password,
        "none" => AuthMode.None,
        _ => null,
    };

    internal static Profile? ParseProfile(string value) => value.ToLowerInvariant() switch
    {
        "owner" => Profile.Owner,
        "readwrite" => Profile.ReadWrite,
        "readonly" => Profile.ReadOnly,
        "all" => Profile.All,
        "usage" => Profile.Usage,
        _ => null,
    };

    private static DatabasePrivilege? ParseDatabasePrivilege(string value) => value.ToLowerInvariant() switch
    {
        "connect" => DatabasePrivilege.Connect,
        "temporary" or "temp" => DatabasePrivilege.Temporary,
        "create" => DatabasePrivilege.Create,
        _ => null,
    };
}
