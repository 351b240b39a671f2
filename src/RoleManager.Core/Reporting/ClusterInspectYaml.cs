using RoleManager.UseCases;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Reporting;

/// <summary>
/// <c>inspect</c> of a whole cluster config: each database's printed config (<see cref="InspectYaml.Write"/>, with its
/// exact-or-nothing checks) regrouped into the cluster form. A role's cluster-wide keys are printed once at the top
/// (they were read from the one cluster, so each database printed the same; <c>member_of</c> names the memberships each
/// database's scope could see, together), and what it has in each database under that database, for every role that
/// database printed (so each keeps exactly the database privileges it printed, defaults included). Applying the output
/// plans nothing in any of the databases it was read from.
/// </summary>
public static class ClusterInspectYaml
{
    private static readonly string[] PerDatabaseRoleKeys = ["search_path", "database_settings", "database_privileges", "grants"];
    private static readonly string[] PerDatabaseKeys = ["grant_mode", "schemas", "extensions"];

    public static string Write(ClusterRunReport run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var printed = run.Databases.Select(d => (d.Database, Root: Parse(InspectYaml.Write(d.Report!.Desired, d.Report.Before)))).ToList();
        var roles = new Dictionary<string, YamlMappingNode>(StringComparer.Ordinal);
        // Per role, its member_of items by group (a name, or a mapping with the membership's options): cluster-wide, so one per group.
        var memberOf = new Dictionary<string, SortedDictionary<string, YamlNode>>(StringComparer.Ordinal);
        var databases = new YamlSequenceNode();
        foreach (var (database, root) in printed)
        {
            var entry = new YamlMappingNode { { "name", database } };
            foreach (var key in PerDatabaseKeys)
                if (Child(root, key) is { } value) entry.Add(key, value);
            var here = new YamlSequenceNode();
            foreach (var role in ((YamlSequenceNode)root.Children[new YamlScalarNode("roles")]).Children.Cast<YamlMappingNode>())
            {
                string name = ((YamlScalarNode)role.Children[new YamlScalarNode("name")]).Value!;
                if (!roles.ContainsKey(name))
                    roles[name] = new YamlMappingNode(role.Children.Where(c => !PerDatabaseRoleKeys.Contains(((YamlScalarNode)c.Key).Value) && ((YamlScalarNode)c.Key).Value != "member_of"));
                if (Child(role, "member_of") is YamlSequenceNode groups)
                    foreach (var item in groups.Children)
                        (memberOf.TryGetValue(name, out var items) ? items : memberOf[name] = new SortedDictionary<string, YamlNode>(StringComparer.Ordinal))
                            .TryAdd(GroupOf(item), item);
                var own = new YamlMappingNode { { "name", name } };
                foreach (var key in PerDatabaseRoleKeys)
                    if (Child(role, key) is { } value) own.Add(key, value);
                here.Add(own);
            }
            entry.Add("roles", here);
            databases.Add(entry);
        }
        foreach (var (name, groups) in memberOf) roles[name].Add("member_of", new YamlSequenceNode(groups.Values));
        var cluster = new YamlMappingNode { { "roles", new YamlSequenceNode(roles.Values) }, { "databases", databases } };
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(cluster)).Save(writer, assignAnchors: false);
        return writer.ToString().Replace("\n...\n", "\n");
    }

    /// <summary>The group a member_of item names: the item itself, or its <c>role</c>.</summary>
    private static string GroupOf(YamlNode item) =>
        item is YamlMappingNode map ? ((YamlScalarNode)map.Children[new YamlScalarNode("role")]).Value! : ((YamlScalarNode)item).Value!;

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
}
