using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>The problems found in one config, each a line that starts with the source (and line:column when known).</summary>
internal sealed class ConfigProblems(string source)
{
    private readonly List<string> _lines = new();

    public string Source { get; } = source;

    public IReadOnlyList<string> Lines => _lines;

    public int Count => _lines.Count;

    /// <summary>A problem at a node: <c>roles.yaml:7:5: roles[1].grants[0].profile: message</c>.</summary>
    public void At(YamlNode node, string path, string message) =>
        _lines.Add(Names.Printable($"{Source}:{node.Start.Line}:{node.Start.Column}: {path}: {message}"));

    /// <summary>A problem of the whole document or a section: <c>roles.yaml: path: message</c>.</summary>
    public void Whole(string path, string message) => _lines.Add(Names.Printable($"{Source}: {path}: {message}"));
}
