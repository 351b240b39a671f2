using System.Globalization;
using System.Text.Json;
using RoleManager.Config;
using RoleManager.Model;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Reporting;

/// <summary>
/// Writes the current state of the managed scope as a config (YAML, or JSON with the same keys), so that an
/// existing database can be adopted: applied to the same database it plans nothing, so it never gives anyone more
/// (or less) than they had. A role's grant on a schema is printed only when the config can say exactly what it holds
/// there (<see cref="GrantInference"/>), and the whole config only when it plans nothing on the state it was read from
/// (<see cref="InspectResidue"/>); otherwise inspect refuses with every reason (<see cref="InspectRefusedException"/>).
/// A schema whose owner cannot be declared (the master user, a reserved or undeclared role) is left out: it stays unmanaged.
/// </summary>
public static class InspectYaml
{
    public static string Write(DesiredState scope, CurrentState current) => ToYaml(Read(scope, current));

    public static string WriteJson(DesiredState scope, CurrentState current) =>
        JsonSerializer.Serialize(Read(scope, current), InspectJsonContext.Default.InspectedConfig);

    public static InspectedConfig Read(DesiredState scope, CurrentState current)
    {
        var declared = scope.Roles.Where(r => current.Roles.ContainsKey(r.Name)).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var schemas = scope.Schemas.Select(s => s.Name)
            .Where(n => current.Schemas.TryGetValue(n, out var s) && declared.Contains(s.Owner) && Names.RoleProblem(s.Owner) is null)
            .Select(n => new InspectedSchema(n, current.Schemas[n].Owner)).ToList();
        var schemaNames = schemas.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var roles = new List<InspectedRole>();
        var problems = new List<string>();
        foreach (var spec in scope.Roles.Where(r => declared.Contains(r.Name)))
        {
            var r = current.Roles[spec.Name];
            string auth = r.MemberOf.Contains("rds_iam") ? "iam" : r.Login && spec.Auth == AuthMode.Password ? "password" : "none";
            // The search_path set in this database, never the cluster-wide one: a config's search_path is written per database,
            // so printing the cluster-wide one (or dropping names) would have its apply change what other databases rely on.
            var searchPath = r.DatabaseSearchPath?.Where(s => schemaNames.Contains(s) || s is "public" or "$user").ToList();
            var memberOf = r.MemberOf.Where(m => m != "rds_iam" && declared.Contains(m)).Order(StringComparer.Ordinal).Select(g => MembershipOf(r, g)).ToList();
            var database = DatabasePrivileges(AclOf(current.DatabaseAcl, r.Name));
            var defaults = r.Login ? new[] { "connect", "temporary" } : [];
            var grants = new List<InspectedGrant>();
            foreach (var schema in schemas.Where(s => s.Owner != r.Name))
            {
                var inferred = GrantInference.Infer(current, current.Schemas[schema.Name], r.Name);
                problems.AddRange(inferred.Problems);
                if (inferred.Grant is { } grant) grants.Add(grant);
            }
            // Where a password comes from cannot be read from the database: the config inspect read says it, else a proposed variable.
            var source = auth == "password" ? spec.PasswordSource : null;
            roles.Add(new InspectedRole(r.Name, r.Login, auth,
                PasswordEnv: auth != "password" || source?.Origin == Passwords.PasswordOrigin.Secret ? null
                    : source?.Reference ?? EnvName(r.Name),
                SearchPath: searchPath, ConnectionLimit: r.ConnectionLimit != -1 ? r.ConnectionLimit : null,
                Createdb: r.CreateDb ? true : null, Createrole: r.CreateRole ? true : null,
                MemberOf: memberOf.Count > 0 ? memberOf : null,
                DatabasePrivileges: database.SequenceEqual(defaults) ? null : database,
                Grants: grants.Count > 0 ? grants : null)
            {
                Settings = SettingsOf(r.Settings, r),
                DatabaseSettings = SettingsOf(r.DatabaseSettings, r),
                PasswordSecret = source?.Origin == Passwords.PasswordOrigin.Secret ? source.Reference : null,
            });
        }
        var extensions = current.Extensions.Where(e => e != "plpgsql").Order(StringComparer.Ordinal).ToList();
        // Auto mode would route a grant that several roles hold through a group role: say the roles hold them directly.
        bool shared = roles.SelectMany(r => (r.Grants ?? []).Select(g => (g.Schema, g.Profile, Execute: g.Profile == "readonly" && g.Execute == true, r.Name)))
            .GroupBy(g => (g.Schema, g.Profile, g.Execute)).Any(g => g.Select(x => x.Name).Distinct().Count() >= GroupRoles.AutoThreshold);
        var config = new InspectedConfig(current.Server.Database, schemas, roles, extensions.Count > 0 ? extensions : null)
        {
            GrantMode = shared ? "direct" : null,
        };
        // Exact or nothing: what the grants cannot say, then whatever else the printed config would still change.
        if (problems.Count == 0) problems.AddRange(InspectResidue.Of(ToYaml(config), current));
        if (problems.Count > 0) throw new InspectRefusedException(problems);
        return config;
    }

    /// <summary>
    /// The settings a config can declare, as stored (<c>name=value</c>); null when none. search_path has its own key, and a
    /// setting the config refuses (<c>role</c>, ...: <see cref="RoleSettings"/>) is left out, so applying the output resets it.
    /// </summary>
    private static SortedDictionary<string, string>? SettingsOf(System.Collections.Immutable.ImmutableArray<string> stored, CurrentRole role)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in stored.IsDefault ? [] : stored)
        {
            int at = entry.IndexOf('=');
            if (at <= 0) continue;
            // The server stores its own settings in its spelling (DateStyle); the config writes them in lower case.
            string name = role.SettingKinds.ContainsKey(entry[..at]) ? entry[..at].ToLowerInvariant() : entry[..at];
            if (name != "search_path" && RoleSettings.NameProblem(name) is null) settings[name] = entry[(at + 1)..];
        }
        return settings.Count > 0 ? settings : null;
    }

    /// <summary>
    /// A membership as the server counts it over its rows (from 16, one per grantor): an option is held when any row
    /// holds it. Before 16 there are no INHERIT and SET options (null): the plain form says what the server does.
    /// </summary>
    private static InspectedMembership MembershipOf(CurrentRole role, string group)
    {
        var rows = role.Memberships.Where(m => m.Group == group).ToList();
        if (rows.Count == 0) return new InspectedMembership(group);
        return new InspectedMembership(group,
            Inherit: rows.Any(m => m.InheritOption ?? true), Set: rows.Any(m => m.SetOption ?? true), Admin: rows.Any(m => m.AdminOption));
    }

    /// <summary>The group's name for a plain membership, else <c>{ role, inherit, set, admin }</c> in flow style.</summary>
    internal static YamlNode MembershipNode(InspectedMembership m)
    {
        if (m.IsPlain) return new YamlScalarNode(m.Role);
        var node = new YamlMappingNode { { "role", m.Role }, { "inherit", Bool(m.Inherit) }, { "set", Bool(m.Set) }, { "admin", Bool(m.Admin) } };
        node.Style = YamlDotNet.Core.Events.MappingStyle.Flow;
        return node;
    }

    /// <summary>The environment variable inspect proposes for a password role: its name in capitals, then _PASSWORD.</summary>
    public static string EnvName(string role) =>
        new string(role.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()) + "_PASSWORD";

    private static Privilege AclOf(System.Collections.Immutable.ImmutableDictionary<string, Privilege> acl, string role) =>
        acl.TryGetValue(role, out var p) ? p : Privilege.None;

    private static List<string> DatabasePrivileges(Privilege privileges)
    {
        var names = new List<string>();
        if (privileges.HasFlag(Privilege.Connect)) names.Add("connect");
        if (privileges.HasFlag(Privilege.Temporary)) names.Add("temporary");
        if (privileges.HasFlag(Privilege.Create)) names.Add("create");
        return names;
    }

    private static string ToYaml(InspectedConfig config)
    {
        var root = new YamlMappingNode { { "database", config.Database } };
        if (config.GrantMode is { } mode) root.Add("grant_mode", mode);
        var schemas = new YamlSequenceNode();
        foreach (var s in config.Schemas) schemas.Add(new YamlMappingNode { { "name", s.Name }, { "owner", s.Owner } });
        root.Add("schemas", schemas);
        var roles = new YamlSequenceNode();
        foreach (var r in config.Roles)
        {
            var node = new YamlMappingNode { { "name", r.Name }, { "login", Bool(r.Login) }, { "auth", r.Auth } };
            if (r.PasswordEnv is { } env) node.Add("password_env", env);
            if (r.PasswordSecret is { } secret) node.Add("password_secret", secret);
            if (r.SearchPath is { } sp) node.Add("search_path", List(sp));
            if (r.ConnectionLimit is { } limit) node.Add("connection_limit", limit.ToString(CultureInfo.InvariantCulture));
            if (r.Createdb is true) node.Add("createdb", "true");
            if (r.Createrole is true) node.Add("createrole", "true");
            if (r.MemberOf is { } memberOf) node.Add("member_of", new YamlSequenceNode(memberOf.Select(MembershipNode)));
            if (r.DatabasePrivileges is { } db) node.Add("database_privileges", List(db));
            if (r.Settings is { } settings) node.Add("settings", Map(settings));
            if (r.DatabaseSettings is { } local) node.Add("database_settings", Map(local));
            if (r.Grants is { } grants)
            {
                var list = new YamlSequenceNode();
                foreach (var g in grants)
                {
                    var grant = new YamlMappingNode { { "schema", g.Schema }, { "profile", g.Profile } };
                    if (g.Execute is true) grant.Add("execute", "true");
                    if (g.Tables is { } tables)
                        grant.Add("tables", new YamlSequenceNode(tables.Select(t => new YamlMappingNode { { "name", t.Name }, { "privileges", List(t.Privileges) } })));
                    if (g.Columns is { } columns)
                        grant.Add("columns", new YamlSequenceNode(columns.Select(c =>
                            new YamlMappingNode { { "table", c.Table }, { "columns", List(c.Columns) }, { "privileges", List(c.Privileges) } })));
                    list.Add(grant);
                }
                node.Add("grants", list);
            }
            roles.Add(node);
        }
        root.Add("roles", roles);
        if (config.Extensions is { } extensions) root.Add("extensions", List(extensions));
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString().Replace("\n...\n", "\n");
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A mapping whose values are always quoted: a setting's value is text (<c>'on'</c>, <c>'30s'</c>), never a YAML boolean or number.</summary>
    private static YamlMappingNode Map(IReadOnlyDictionary<string, string> items)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in items) map.Add(key, new YamlScalarNode(value) { Style = YamlDotNet.Core.ScalarStyle.SingleQuoted });
        return map;
    }

    private static YamlSequenceNode List(IEnumerable<string> items) => new(items.Select(i => new YamlScalarNode(i)));
}
