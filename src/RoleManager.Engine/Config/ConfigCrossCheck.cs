using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Config;

/// <summary>
/// The checks between sections of a config — references between roles and schemas, duplicates, membership
/// cycles — run on what the reader could read, so they report alongside its own problems.
/// </summary>
internal static class ConfigCrossCheck
{
    /// <summary>References between roles and schemas, each problem added to <paramref name="problems"/>; returns the state with the owner profile folded into the schema's owner.</summary>
    public static DesiredState Check(ConfigProblems problems, DesiredState state, List<Located<SchemaSpec>> schemas, List<LocatedRole> roles)
    {
        foreach (var dup in roles.GroupBy(r => r.Spec.Name).Where(g => g.Count() > 1))
            problems.At(dup.Skip(1).First().Node, dup.Skip(1).First().Path, $"role \"{dup.Key}\" is declared {dup.Count()} times");
        foreach (var dup in schemas.GroupBy(s => s.Spec.Name).Where(g => g.Count() > 1))
            problems.At(dup.Skip(1).First().Node, dup.Skip(1).First().Path, $"schema \"{dup.Key}\" is declared {dup.Count()} times");

        var roleNames = roles.GroupBy(r => r.Spec.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var schemaNames = schemas.Select(s => s.Spec.Name).ToHashSet(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            foreach (var (grant, node, gpath) in role.Grants)
            {
                if (!schemaNames.Contains(grant.Schema))
                    problems.At(node, gpath, $"schema \"{grant.Schema}\" is not declared under 'schemas'");
                if (grant.Profile == Profile.Owner)
                {
                    if (owners.TryGetValue(grant.Schema, out var other) && other != role.Spec.Name)
                        problems.At(node, gpath, $"schema \"{grant.Schema}\" already has owner \"{other}\"");
                    owners[grant.Schema] = role.Spec.Name;
                }
            }
            foreach (var group in role.Spec.MemberOf)
            {
                if (!roleNames.ContainsKey(group)) problems.At(role.Node, role.Path + ".member_of", $"role \"{group}\" is not declared under 'roles'");
                else if (roleNames[group].Spec.Drop) problems.At(role.Node, role.Path + ".member_of", $"role \"{group}\" is marked drop: true");
                if (group == role.Spec.Name) problems.At(role.Node, role.Path + ".member_of", "a role cannot be a member of itself");
            }
            if (role.Spec.SearchPath is { } sp)
                foreach (var s in sp.Where(s => !schemaNames.Contains(s) && s != "public" && s != "$user"))
                    problems.At(role.Node, role.Path + ".search_path", $"schema \"{s}\" is not declared under 'schemas' (nor public or $user)");
            if (role.Spec.Drop && role.Spec.Grants.Length > 0)
                problems.At(role.Node, role.Path, "a role marked drop: true cannot have grants");
            if (role.Spec.ReassignOwnedTo is { } heir && ReassignProblem(role.Spec, heir, roleNames) is { } reassign)
                problems.At(ConfigNodeReader.Child((YamlDotNet.RepresentationModel.YamlMappingNode)role.Node, "reassign_owned_to") ?? role.Node, role.Path + ".reassign_owned_to", reassign);
        }
        var cycle = FindCycle(roles.Select(r => r.Spec).ToList());
        if (cycle is not null) problems.Whole("roles", $"membership cycle {string.Join(" → ", cycle)}");

        var resolved = new List<SchemaSpec>();
        foreach (var schema in schemas)
        {
            string owner = schema.Spec.Owner;
            if (owners.TryGetValue(schema.Spec.Name, out var byProfile))
            {
                if (owner.Length > 0 && owner != byProfile)
                    problems.At(schema.Node, schema.Path + ".owner", $"owner \"{owner}\" conflicts with role \"{byProfile}\" whose grant has profile: owner");
                owner = byProfile;
            }
            if (owner.Length == 0) problems.At(schema.Node, schema.Path, "'owner' is missing: name the declared role that owns the schema (e.g. migrator)");
            else if (!roleNames.TryGetValue(owner, out var ownerRole)) problems.At(schema.Node, schema.Path + ".owner", $"role \"{owner}\" is not declared under 'roles'");
            else if (ownerRole.Spec.Drop) problems.At(schema.Node, schema.Path + ".owner", $"role \"{owner}\" is marked drop: true and cannot own a schema");
            resolved.Add(schema.Spec with { Owner = owner });
        }
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
    private static string? ReassignProblem(RoleSpec role, string heir, Dictionary<string, LocatedRole> roleNames)
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
}
