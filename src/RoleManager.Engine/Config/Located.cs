using RoleManager.Model;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>A spec read from the config with the node and path it came from, so later checks can point at it.</summary>
internal sealed record Located<T>(T Spec, YamlNode Node, string Path)
{
    /// <summary>A grant's <c>tables:</c> and <c>columns:</c> (ConfigReader.NamedGrants.cs); empty for anything else.</summary>
    public System.Collections.Immutable.ImmutableArray<NamedGrant> Named { get; init; } = [];
}

/// <summary>A role read from the config, with its grants located one by one (a grant that could not be read is absent).</summary>
internal sealed record LocatedRole(RoleSpec Spec, YamlNode Node, string Path, IReadOnlyList<Located<GrantSpec>> Grants);
