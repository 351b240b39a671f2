using RoleManager.Model;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Reporting;

/// <summary>
/// Writes the current state of the managed scope in the config format, so that an existing database
/// can be adopted: the profile of each role on each schema is inferred from the default privileges the
/// schema owner set up (what future tables will get), else from the schema's USAGE grant.
/// </summary>
public static class InspectYaml
{
    public static string Write(DesiredState scope, CurrentState current)
    {
        var root = new YamlMappingNode { { "database", current.Server.Database } };
        var schemas = new YamlSequenceNode();
        foreach (var name in scope.Schemas.Select(s => s.Name))
            if (current.Schemas.TryGetValue(name, out var schema))
                schemas.Add(new YamlMappingNode { { "name", schema.Name }, { "owner", schema.Owner } });
        root.Add("schemas", schemas);

        var roles = new YamlSequenceNode();
        foreach (var role in scope.Roles.Select(r => r.Name))
        {
            if (!current.Roles.TryGetValue(role, out var r)) continue;
            var node = new YamlMappingNode
            {
                { "name", r.Name },
                { "login", r.Login ? "true" : "false" },
                { "auth", r.MemberOf.Contains("rds_iam") ? "iam" : r.Login ? "password" : "none" },
            };
            if (r.SearchPath is { } sp) node.Add("search_path", new YamlSequenceNode(sp.Select(s => new YamlScalarNode(s))));
            if (r.ConnectionLimit != -1) node.Add("connection_limit", r.ConnectionLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (r.CreateDb) node.Add("createdb", "true");
            if (r.CreateRole) node.Add("createrole", "true");
            var memberOf = r.MemberOf.Where(m => m != "rds_iam" && scope.FindRole(m) is not null).Order(StringComparer.Ordinal).ToList();
            if (memberOf.Count > 0) node.Add("member_of", new YamlSequenceNode(memberOf.Select(m => new YamlScalarNode(m))));
            var grants = new YamlSequenceNode();
            foreach (var schema in current.Schemas.Values.Where(s => scope.Schemas.Any(d => d.Name == s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                string? profile = schema.Owner == r.Name ? "owner" : InferProfile(current, schema, r.Name);
                if (profile is not null)
                    grants.Add(new YamlMappingNode { { "schema", schema.Name }, { "profile", profile } });
            }
            if (grants.Children.Count > 0) node.Add("grants", grants);
            roles.Add(node);
        }
        root.Add("roles", roles);
        var extensions = current.Extensions.Where(e => e != "plpgsql").Order(StringComparer.Ordinal).ToList();
        if (extensions.Count > 0) root.Add("extensions", new YamlSequenceNode(extensions.Select(e => new YamlScalarNode(e))));

        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString().Replace("\n...\n", "\n");
    }

    private static string? InferProfile(CurrentState current, CurrentSchema schema, string role)
    {
        var defaults = current.DefaultAcls.FirstOrDefault(d => d.Schema == schema.Name && d.Owner == schema.Owner && d.Kind == ObjectKind.Table);
        var tables = defaults is not null && defaults.Acl.TryGetValue(role, out var p) ? p : (Privilege?)null;
        if (tables is null)
            return schema.Acl.TryGetValue(role, out var s) && s.HasFlag(Privilege.Usage) ? "readonly" : null;
        if (tables.Value.HasFlag(Privileges.AllFor(ObjectKind.Table, current.Server.VersionNum))) return "all";
        if (tables.Value.HasFlag(Privileges.ForProfile(Profile.ReadWrite, ObjectKind.Table, current.Server.VersionNum))) return "readwrite";
        return tables.Value.HasFlag(Privilege.Select) ? "readonly" : null;
    }
}
