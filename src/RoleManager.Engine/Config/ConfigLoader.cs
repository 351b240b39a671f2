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
/// The entry: reads a YAML (or JSON) layout into a <see cref="DesiredState"/>. Every problem is collected, not just
/// the first, and each names the source, line, column and key — e.g. <c>roles.yaml:7:5: roles[1].grants[0].profile: ...</c>.
/// The YAML node model is walked by hand: no reflection (the Lambda host is Native AOT) and exact positions.
/// </summary>
public static class ConfigLoader
{
    public const int MaxBytes = 1024 * 1024;

    public static DesiredState LoadFile(string path, Func<string, string?> environment, ConfigDefaults defaults) =>
        OneDatabase(LoadLayoutFile(path, environment, defaults), path);

    private static DesiredState OneDatabase(ClusterLayout layout, string source) => layout.IsCluster
        ? throw new ConfigException($"{source}: this is a cluster config (databases:); it is read with every database it declares, not as one database's layout.")
        : layout.Databases[0];

    /// <summary>A one-database config; a cluster config (<c>databases:</c>) is refused here: read it with <see cref="LoadLayout"/>.</summary>
    public static DesiredState Load(string text, string source, Func<string, string?> environment, ConfigDefaults defaults) =>
        OneDatabase(LoadLayout(text, source, environment, defaults), source);

    public static ClusterLayout LoadLayoutFile(string path, Func<string, string?> environment, ConfigDefaults defaults)
    {
        FileInfo file = new(path);
        if (!file.Exists) throw new ConfigException($"Config file {path} does not exist.");
        if (file.Length > MaxBytes) throw new ConfigException($"{path}: the config is {file.Length} bytes; at most {MaxBytes} are accepted.");
        return LoadLayout(File.ReadAllText(path), path, environment, defaults);
    }

    /// <summary>A one-database config or a cluster config (<c>databases:</c>), as <see cref="ClusterLayout"/>.</summary>
    public static ClusterLayout LoadLayout(string text, string source, Func<string, string?> environment, ConfigDefaults defaults)
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
            throw new ConfigException($"{source}: the config must be one YAML mapping with keys such as 'database', 'schemas' and 'roles' (or, for a cluster, 'roles' and 'databases').");
        var reader = new ConfigReader(source, environment, defaults);
        var state = reader.ReadLayout(root);
        var problems = reader.Problems.Lines;
        if (problems.Count > MaxProblems)
            throw new ConfigException([.. problems.Take(MaxProblems), $"... and {problems.Count - MaxProblems} more ({problems.Count} problems in all)"]);
        if (problems.Count > 0) throw new ConfigException(problems);
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
