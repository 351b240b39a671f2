using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>
/// The problems found in one config, each a line that starts with the source (and line:column when known), listed in
/// the order of the document whichever check found them: the reader's and the cross-checks' read as one list.
/// </summary>
internal sealed class ConfigProblems(string source)
{
    private readonly List<(long Line, long Column, string Text)> _problems = new();

    public string Source { get; } = source;

    /// <summary>
    /// Problems of the whole document first, then by line and column (stable within one position); each once, though a
    /// cluster config checks its roles once per database.
    /// </summary>
    public IReadOnlyList<string> Lines => _problems.OrderBy(p => p.Line).ThenBy(p => p.Column).Select(p => p.Text).Distinct().ToList();

    public int Count => _problems.Count;

    /// <summary>A problem at a node: <c>roles.yaml:7:5: roles[1].grants[0].profile: message</c>.</summary>
    public void At(YamlNode node, string path, string message) =>
        _problems.Add((node.Start.Line, node.Start.Column, Names.Printable($"{Source}:{node.Start.Line}:{node.Start.Column}: {path}: {message}")));

    /// <summary>A problem of the whole document or a section: <c>roles.yaml: path: message</c>.</summary>
    public void Whole(string path, string message) => _problems.Add((0, 0, Names.Printable($"{Source}: {path}: {message}")));
}
