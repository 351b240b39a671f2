using System.Collections.Immutable;
using System.Globalization;
using RoleManager.Errors;
using RoleManager.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>Values that fill what a config file leaves out (flags and environment variables).</summary>
public sealed record ConfigDefaults(string? Database = null, AuthMode Auth = AuthMode.Iam, GrantMode GrantMode = GrantMode.Auto);

/// <summary>
/// Reads a YAML (or JSON) layout into a <see cref="DesiredState"/>. Every problem is collected, not just
/// the first, and each names the source, line, column and key — e.g. <c>roles.yaml:7:5: roles[1].grants[0].profile: ...</c>.
/// The YAML node model is walked by hand: no reflection (the Lambda host is Native AOT) and exact positions.
/// </summary>
public static class ConfigLoader
{
    public const int MaxBytes = 1024 * 1024;

    public static DesiredState LoadFile(string path, Func<string, string?> environment, ConfigDefaults defaults)
    {
        FileInfo file = new(path);
        if (!file.Exists) throw new ConfigException($"Config file {path} does not exist.");
        if (file.Length > MaxBytes) throw new ConfigException($"{path}: the config is {file.Length} bytes; at most {MaxBytes} are accepted.");
        return Load(File.ReadAllText(path), path, environment, defaults);
    }

    public static DesiredState Load(string text, string source, Func<string, string?> environment, ConfigDefaults defaults)
    {
        if (text.Length > MaxBytes) throw new ConfigException($"{source}: the config is {text.Length} characters; at most {MaxBytes} are accepted.");
        var stream = new YamlStream();
        try
        {
            // The node model is built recursively and hashes mapping keys deeply: bound depth and alias expansion first.
            CheckShape(text, source);
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ConfigException($"{source}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML: {Innermost(ex).Message}");
        }
        catch (ArgumentException ex) // a duplicate key surfaces from the node model as ArgumentException
        {
            throw new ConfigException($"{source}: not valid YAML: {ex.Message}");
        }
        catch (InvalidOperationException) // YamlDotNet's scanner fails so on some malformed input (e.g. an unclosed flow mapping)
        {
            throw new ConfigException($"{source}: not valid YAML: the parser stopped on malformed input (an unclosed [ or {{, or a misplaced value?).");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException($"{source}: the config must be one YAML mapping with keys such as 'database', 'schemas' and 'roles'.");
        var reader = new ConfigReader(source, environment, defaults);
        var state = reader.Read(root);
        if (reader.Problems.Count > MaxProblems)
            throw new ConfigException([.. reader.Problems.Take(MaxProblems), $"... and {reader.Problems.Count - MaxProblems} more ({reader.Problems.Count} problems in all)"]);
        if (reader.Problems.Count > 0) throw new ConfigException(reader.Problems);
        return state!;
    }

    /// <summary>How deeply lists and mappings may nest; a valid config needs 5 levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>How many nodes the document may hold once every alias is expanded (a billion-laughs guard).</summary>
    public const int MaxExpandedNodes = 100_000;

    /// <summary>Problems listed in one error; the rest are counted.</summary>
    public const int MaxProblems = 100;

    /// <summary>
    /// Streams the parser's events (no recursion) and refuses a document nested deeper than <see cref="MaxDepth"/>
    /// or whose aliases expand to more than <see cref="MaxExpandedNodes"/> nodes, before the node model is built.
    /// </summary>
    private static void CheckShape(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(long Start, string? Anchor)>();
        long nodes = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = 1;
                    break;
                case YamlDotNet.Core.Events.AnchorAlias alias:
                    nodes += anchors.GetValueOrDefault(alias.Value.Value, 1);
                    break;
                case YamlDotNet.Core.Events.NodeEvent start and (YamlDotNet.Core.Events.SequenceStart or YamlDotNet.Core.Events.MappingStart):
                    nodes++;
                    open.Push((nodes, start.Anchor.IsEmpty ? null : start.Anchor.Value));
                    if (open.Count > MaxDepth)
                        throw new ConfigException($"{source}:{start.Start.Line}:{start.Start.Column}: lists and mappings are nested more than {MaxDepth} levels deep; a config needs at most 5.");
                    break;
                case YamlDotNet.Core.Events.SequenceEnd or YamlDotNet.Core.Events.MappingEnd:
                    var (begin, anchor) = open.Pop();
                    if (anchor is not null) anchors[anchor] = nodes - begin + 1;
                    break;
            }
            if (nodes > MaxExpandedNodes)
                throw new ConfigException($"{source}:{parser.Current!.Start.Line}:{parser.Current.Start.Column}: the config holds more than {MaxExpandedNodes} values once its aliases (*name) are expanded; a role layout needs far fewer: remove the aliases or split the config.");
        }
    }

    /// <summary>Parses an auth mode name (iam, password, none); null when unknown.</summary>
    public static AuthMode? ParseAuth(string value) => ConfigReader.ParseAuth(value);

    /// <summary>Parses a profile name (owner, readwrite, readonly, all); null when unknown.</summary>
    public static Profile? ParseProfile(string value) => ConfigReader.ParseProfile(value);

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);
}

/// <summary>The walk over one document; collects problems as it goes.</summary>
internal sealed class ConfigReader(string source, Func<string, string?> environment, ConfigDefaults defaults)
{
    private static readonly string[] TopKeys = ["database", "auth", "grant_mode", "schemas", "roles", "extensions"];
    private static readonly string[] SchemaKeys = ["name", "owner", "grant_mode"];
    private static readonly string[] RoleKeys = ["name", "login", "auth", "password_env", "password_secret", "search_path", "connection_limit", "createdb", "createrole", "member_of", "database_privileges", "grants", "drop", "adopt", "reassign_owned_to"];
    private static readonly string[] ExtensionKeys = ["name", "schema"];
    private static readonly string[] GrantKeys = ["schema", "profile", "execute"];

    public List<string> Problems { get; } = new();

    /// <summary>The <c>grant_mode</c> of each schema that sets one (else the top-level one applies).</summary>
    private readonly Dictionary<string, GrantMode> _schemaModes = new(StringComparer.Ordinal);

    private void Problem(YamlNode node, string path, string message) =>
        Problems.Add(Names.Printable($"{source}:{node.Start.Line}:{node.Start.Column}: {path}: {message}"));

    public DesiredState? Read(YamlMappingNode root)
    {
        CheckKeys(root, "", TopKeys);
        string? database = Scalar(root, "database", "") ?? defaults.Database;
        if (database is null) Problems.Add($"{source}: 'database' is missing: set it in the config, or pass --database / DB_NAME.");
        else if (Names.Problem(database, "database") is { } p) Problem(Child(root, "database") ?? root, "database", p);

        var defaultAuth = Enum(root, "auth", "", ParseAuth) ?? defaults.Auth;
        var grantMode = Enum(root, "grant_mode", "", GroupRoles.ParseMode) ?? defaults.GrantMode;
        var schemas = ReadList(root, "schemas", ReadSchema);
        var roles = ReadList(root, "roles", (node, path) => ReadRole(node, path, defaultAuth));
        var extensions = ReadExtensions(root);

        if (Problems.Count > 0) return null;
        var state = new DesiredState(database!, schemas.Select(s => s.Spec).ToImmutableArray(), roles.Select(r => r.Spec).ToImmutableArray(),
            extensions.Select(e => e.Name).ToImmutableArray())
        {
            ExtensionSchemas = extensions.Where(e => e.Schema is not null).ToImmutableDictionary(e => e.Name, e => e.Schema!),
        };
        var schemaNames = schemas.Select(s => s.Spec.Name).Append("public").ToHashSet(StringComparer.Ordinal);
        foreach (var (name, schema, node, path) in extensions.Where(e => e.Schema is not null && !schemaNames.Contains(e.Schema)))
            Problem(node, path + ".schema", $"schema \"{schema}\" of extension \"{name}\" is not declared under 'schemas' (nor public)");
        var checkedState = CrossCheck(state, schemas, roles);
        if (checkedState is null) return null;
        // The group roles are generated after every reference is checked, so problems name what the user wrote.
        var grouped = GroupRoles.Apply(checkedState, grantMode, _schemaModes, (role, message) =>
        {
            var declared = roles.FirstOrDefault(r => r.Spec.Name == role);
            if (declared is null) Problems.Add(Names.Printable($"{source}: grant_mode: {message}"));
            else Problem(Child((YamlMappingNode)declared.Node, "name") ?? declared.Node, declared.Path + ".name", message);
        });
        return Problems.Count > 0 ? null : grouped;
    }

    private sealed record Located<T>(T Spec, YamlNode Node, string Path, YamlNode? Extra = null);

    /// <summary>
    /// <c>extensions</c>: each item a name (created in the first managed schema) or <c>{name, schema}</c>.
    /// </summary>
    private List<(string Name, string? Schema, YamlNode Node, string Path)> ReadExtensions(YamlMappingNode root)
    {
        var result = new List<(string Name, string? Schema, YamlNode Node, string Path)>();
        var node = Child(root, "extensions");
        if (node is null) return result;
        if (node is not YamlSequenceNode list) { Problem(node, "extensions", "must be a list, e.g. [pgcrypto, {name: vector, schema: app}]"); return result; }
        for (int i = 0; i < list.Children.Count; i++)
        {
            string path = $"extensions[{i}]";
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

    private Located<RoleSpec>? ReadRole(YamlNode node, string path, AuthMode defaultAuth)
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

        ImmutableArray<string>? searchPath = Child(map, "search_path") is null ? null
            : ReadScalarList(map, "search_path", path + ".search_path", s => Names.Problem(s, "schema"));
        int connectionLimit = Int(map, "connection_limit", path, -1);
        if (connectionLimit < -1) Problem(Child(map, "connection_limit")!, path + ".connection_limit", "must be -1 (no limit) or a number of connections");
        var memberOf = ReadScalarList(map, "member_of", path + ".member_of", Names.RoleProblem);
        var databasePrivileges = Child(map, "database_privileges") is null
            ? (login ? ImmutableArray.Create(DatabasePrivilege.Connect, DatabasePrivilege.Temporary) : ImmutableArray<DatabasePrivilege>.Empty)
            : ReadScalarList(map, "database_privileges", path + ".database_privileges", v => ParseDatabasePrivilege(v) is null ? $"'{v}' is not a database privilege: use connect, temporary or create" : null)
                .Select(v => ParseDatabasePrivilege(v)!.Value).Distinct().ToImmutableArray();
        var grants = ReadList(map, "grants", ReadGrant).Select(g => g.Spec).ToImmutableArray();
        var spec = new RoleSpec(name ?? "", login, auth, searchPath, grants, memberOf, databasePrivileges, connectionLimit,
            Bool(map, "createdb", path, false), Bool(map, "createrole", path, false), password, Bool(map, "drop", path, false), passwordSource)
        { Adopt = Bool(map, "adopt", path, false), ReassignOwnedTo = Scalar(map, "reassign_owned_to", path) };
        return name is null ? null : new Located<RoleSpec>(spec, map, path, Child(map, "grants"));
    }

    private Located<GrantSpec>? ReadGrant(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map) { Problem(node, path, "each grant is a mapping { schema: NAME, profile: owner|readwrite|readonly|all }"); return null; }
        CheckKeys(map, path, GrantKeys);
        string? schema = Required(map, "schema", path);
        var profile = Enum(map, "profile", path, ParseProfile);
        if (Child(map, "profile") is null) Problem(map, path, "'profile' is missing: use owner, readwrite, readonly or all");
        return schema is null || profile is null ? null : new Located<GrantSpec>(new GrantSpec(schema, profile.Value, Bool(map, "execute", path, false)), map, path);
    }

    /// <summary>References between roles and schemas; the owner profile folded into the schema's owner.</summary>
    private DesiredState? CrossCheck(DesiredState state, List<Located<SchemaSpec>> schemas, List<Located<RoleSpec>> roles)
    {
        foreach (var dup in roles.GroupBy(r => r.Spec.Name).Where(g => g.Count() > 1))
            Problem(dup.Skip(1).First().Node, dup.Skip(1).First().Path, $"role \"{dup.Key}\" is declared {dup.Count()} times");
        foreach (var dup in schemas.GroupBy(s => s.Spec.Name).Where(g => g.Count() > 1))
            Problem(dup.Skip(1).First().Node, dup.Skip(1).First().Path, $"schema \"{dup.Key}\" is declared {dup.Count()} times");

        var roleNames = roles.GroupBy(r => r.Spec.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var schemaNames = schemas.Select(s => s.Spec.Name).ToHashSet(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            for (int i = 0; i < role.Spec.Grants.Length; i++)
            {
                var grant = role.Spec.Grants[i];
                string gpath = $"{role.Path}.grants[{i}]";
                if (!schemaNames.Contains(grant.Schema))
                    Problem(role.Extra ?? role.Node, gpath, $"schema \"{grant.Schema}\" is not declared under 'schemas'");
                if (grant.Profile == Profile.Owner)
                {
                    if (owners.TryGetValue(grant.Schema, out var other) && other != role.Spec.Name)
                        Problem(role.Extra ?? role.Node, gpath, $"schema \"{grant.Schema}\" already has owner \"{other}\"");
                    owners[grant.Schema] = role.Spec.Name;
                }
            }
            foreach (var group in role.Spec.MemberOf)
            {
                if (!roleNames.ContainsKey(group)) Problem(role.Node, role.Path + ".member_of", $"role \"{group}\" is not declared under 'roles'");
                else if (roleNames[group].Spec.Drop) Problem(role.Node, role.Path + ".member_of", $"role \"{group}\" is marked drop: true");
                if (group == role.Spec.Name) Problem(role.Node, role.Path + ".member_of", "a role cannot be a member of itself");
            }
            if (role.Spec.SearchPath is { } sp)
                foreach (var s in sp.Where(s => !schemaNames.Contains(s) && s != "public" && s != "$user"))
                    Problem(role.Node, role.Path + ".search_path", $"schema \"{s}\" is not declared under 'schemas' (nor public or $user)");
            if (role.Spec.Drop && role.Spec.Grants.Length > 0)
                Problem(role.Node, role.Path, "a role marked drop: true cannot have grants");
            if (role.Spec.ReassignOwnedTo is { } heir && ReassignProblem(role.Spec, heir, roleNames) is { } reassign)
                Problem(Child((YamlMappingNode)role.Node, "reassign_owned_to") ?? role.Node, role.Path + ".reassign_owned_to", reassign);
        }
        var cycle = FindCycle(roles.Select(r => r.Spec).ToList());
        if (cycle is not null) Problems.Add($"{source}: roles: membership cycle {string.Join(" → ", cycle)}");

        var resolved = new List<SchemaSpec>();
        foreach (var schema in schemas)
        {
            string owner = schema.Spec.Owner;
            if (owners.TryGetValue(schema.Spec.Name, out var byProfile))
            {
                if (owner.Length > 0 && owner != byProfile)
                    Problem(schema.Node, schema.Path + ".owner", $"owner \"{owner}\" conflicts with role \"{byProfile}\" whose grant has profile: owner");
                owner = byProfile;
            }
            if (owner.Length == 0) Problem(schema.Node, schema.Path, "'owner' is missing: name the declared role that owns the schema (e.g. migrator)");
            else if (!roleNames.TryGetValue(owner, out var ownerRole)) Problem(schema.Node, schema.Path + ".owner", $"role \"{owner}\" is not declared under 'roles'");
            else if (ownerRole.Spec.Drop) Problem(schema.Node, schema.Path + ".owner", $"role \"{owner}\" is marked drop: true and cannot own a schema");
            resolved.Add(schema.Spec with { Owner = owner });
        }
        if (Problems.Count > 0) return null;
        return state with
        {
            Schemas = resolved.ToImmutableArray(),
            Roles = state.Roles.Select(r => r with { Grants = r.Grants.Where(g => g.Profile != Profile.Owner).ToImmutableArray() }).ToImmutableArray(),
        };
    }

    /// <summary>
    /// What is wrong with <c>reassign_owned_to: heir</c> on <paramref name="role"/>: the heir becomes the owner of whatever
    /// code the retiring role wrote, so it must be a role the config manages and keeps, and not a privileged one.
    /// </summary>
    private static string? ReassignProblem(RoleSpec role, string heir, Dictionary<string, Located<RoleSpec>> roleNames)
    {
        if (!role.Drop) return "'reassign_owned_to' only applies to a role marked drop: true";
        if (heir == role.Name) return "a retiring role cannot reassign what it owns to itself";
        if (!roleNames.TryGetValue(heir, out var target)) return $"role \"{heir}\" is not declared under 'roles': name a declared role that is kept";
        if (target.Spec.Drop) return $"role \"{heir}\" is marked drop: true: name a declared role that is kept";
        if (target.Spec.CreateRole || target.Spec.Adopt)
            return $"role \"{heir}\" is privileged ({(target.Spec.CreateRole ? "createrole: true" : "adopt: true")}): the objects, and any code among them, would run with its rights; name an unprivileged role (e.g. a NOLOGIN role kept for this)";
        return null;
    }

    private static List<string>? FindCycle(List<RoleSpec> roles)
    {
        var edges = roles.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().MemberOf, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (var role in roles)
            if (Visit(role.Name) is { } cycle) return cycle;
        return null;

        List<string>? Visit(string name)
        {
            if (state.GetValueOrDefault(name) == 2 || !edges.ContainsKey(name)) return null;
            if (state.GetValueOrDefault(name) == 1) return stack.SkipWhile(s => s != name).Append(name).ToList();
            state[name] = 1; stack.Add(name);
            foreach (var next in edges[name])
                if (Visit(next) is { } cycle) return cycle;
            stack.RemoveAt(stack.Count - 1); state[name] = 2;
            return null;
        }
    }

    // ---- node helpers -------------------------------------------------------------------------

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private void CheckKeys(YamlMappingNode map, string path, string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            string? k = (key as YamlScalarNode)?.Value;
            if (k is null || !allowed.Contains(k))
                Problem(key, Join(path, k ?? "?"), $"unknown key '{k}'; allowed here: {string.Join(", ", allowed)}");
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private string? Scalar(YamlMappingNode map, string key, string path)
    {
        var node = Child(map, key);
        if (node is null) return null;
        if (node is YamlScalarNode { Value: { } value })
        {
            if (value.Length == 0 && node is YamlScalarNode { Style: ScalarStyle.Plain }) { Problem(node, Join(path, key), "is empty"); return null; }
            return value;
        }
        Problem(node, Join(path, key), "must be a single value, not a list or mapping");
        return null;
    }

    private string? Required(YamlMappingNode map, string key, string path)
    {
        if (Child(map, key) is null) { Problem(map, Join(path, key), $"'{key}' is missing"); return null; }
        return Scalar(map, key, path);
    }

    private bool Bool(YamlMappingNode map, string key, string path, bool fallback)
    {
        string? value = Scalar(map, key, path);
        if (value is null) return fallback;
        if (value is "true" or "True" or "TRUE" or "yes") return true;
        if (value is "false" or "False" or "FALSE" or "no") return false;
        Problem(Child(map, key)!, Join(path, key), $"'{value}' is not a boolean: use true or false");
        return fallback;
    }

    private int Int(YamlMappingNode map, string key, string path, int fallback)
    {
        string? value = Scalar(map, key, path);
        if (value is null) return fallback;
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int result)) return result;
        Problem(Child(map, key)!, Join(path, key), $"'{value}' is not a whole number");
        return fallback;
    }

    private T? Enum<T>(YamlMappingNode map, string key, string path, Func<string, T?> parse) where T : struct
    {
        string? value = Scalar(map, key, path);
        if (value is null) return null;
        var parsed = parse(value);
        if (parsed is null)
        {
            string allowed = key switch
            {
                "auth" => "iam, password or none",
                "grant_mode" => "auto, direct or groups",
                _ => "owner, readwrite, readonly or all",
            };
            Problem(Child(map, key)!, Join(path, key), $"'{value}' is not valid: use {allowed}");
        }
        return parsed;
    }

    private List<Located<T>> ReadList<T>(YamlMappingNode map, string key, Func<YamlNode, string, Located<T>?> read)
    {
        var result = new List<Located<T>>();
        var node = Child(map, key);
        if (node is null) return result;
        if (node is not YamlSequenceNode list) { Problem(node, key, "must be a list"); return result; }
        for (int i = 0; i < list.Children.Count; i++)
            if (read(list.Children[i], $"{key}[{i}]") is { } item) result.Add(item);
        return result;
    }

    private ImmutableArray<string> ReadScalarList(YamlMappingNode map, string key, string path, Func<string, string?> check)
    {
        var node = Child(map, key);
        if (node is null) return ImmutableArray<string>.Empty;
        if (node is not YamlSequenceNode list) { Problem(node, path, "must be a list, e.g. [a, b]"); return ImmutableArray<string>.Empty; }
        var result = ImmutableArray.CreateBuilder<string>();
        for (int i = 0; i < list.Children.Count; i++)
        {
            if (list.Children[i] is not YamlScalarNode { Value: { } value }) { Problem(list.Children[i], $"{path}[{i}]", "must be a name"); continue; }
            if (check(value) is { } problem) { Problem(list.Children[i], $"{path}[{i}]", problem); continue; }
            if (result.Contains(value)) { Problem(list.Children[i], $"{path}[{i}]", $"\"{value}\" is listed twice"); continue; }
            result.Add(value);
        }
        return result.ToImmutable();
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
