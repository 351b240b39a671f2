using System.Collections.Immutable;
using RoleManager.Model;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>
/// A role's <c>member_of</c>: each item a group name (the plain form: inherit and set, no admin), or a mapping that
/// gives the membership's options, as PostgreSQL 16's <c>GRANT ... WITH INHERIT, SET, ADMIN</c> does:
/// <code>
/// member_of:
///   - readers
///   - { role: owners, inherit: false, set: true, admin: false }
/// </code>
/// </summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] MembershipKeys = ["role", "inherit", "set", "admin"];

    private (ImmutableArray<string> Groups, ImmutableDictionary<string, MembershipOptions> Options) ReadMemberOf(YamlMappingNode map, string path)
    {
        var groups = ImmutableArray.CreateBuilder<string>();
        var options = ImmutableDictionary.CreateBuilder<string, MembershipOptions>(StringComparer.Ordinal);
        var node = Child(map, "member_of");
        if (node is null) return (groups.ToImmutable(), options.ToImmutable());
        string at = Join(path, "member_of");
        if (node is not YamlSequenceNode list) { Problem(node, at, "must be a list, e.g. [readers, { role: owners, inherit: false }]"); return (groups.ToImmutable(), options.ToImmutable()); }
        for (int i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            string itemPath = $"{at}[{i}]";
            string? group;
            MembershipOptions? declared = null;
            if (item is YamlScalarNode { Value: { } name }) group = name;
            else if (item is YamlMappingNode entry)
            {
                CheckKeys(entry, itemPath, MembershipKeys);
                group = Required(entry, "role", itemPath);
                declared = new MembershipOptions(Bool(entry, "inherit", itemPath, true), Bool(entry, "set", itemPath, true), Bool(entry, "admin", itemPath, false));
            }
            else { Problem(item, itemPath, "must be a role name or a mapping { role: NAME, inherit: BOOL, set: BOOL, admin: BOOL }"); continue; }
            if (group is null) continue;
            if (Names.RoleProblem(group) is { } problem) { Problem(item, itemPath, problem); continue; }
            if (groups.Contains(group)) { Problem(item, itemPath, $"\"{group}\" is listed twice"); continue; }
            groups.Add(group);
            if (declared is { IsPlain: false }) options[group] = declared;
        }
        return (groups.ToImmutable(), options.ToImmutable());
    }
}
