using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>A spec read from the config with the node and path it came from, so later checks can point at it.</summary>
internal sealed record Located<T>(T Spec, YamlNode Node, string Path, YamlNode? Extra = null);
