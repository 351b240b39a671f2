using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>
/// Reads typed values out of YAML nodes; each value that cannot be read becomes a problem at its node's line and
/// column, and the read goes on, so one run reports everything.
/// </summary>
internal abstract class ConfigNodeReader(ConfigProblems problems)
{
    public ConfigProblems Problems { get; } = problems;

    protected void Problem(YamlNode node, string path, string message) => Problems.At(node, path, message);

    internal static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    /// <param name="explained">Keys not allowed here whose problem, saying where they belong, was already reported.</param>
    protected void CheckKeys(YamlMappingNode map, string path, string[] allowed, string[]? explained = null)
    {
        foreach (var key in map.Children.Keys)
        {
            string? k = (key as YamlScalarNode)?.Value;
            if (k is not null && explained is not null && explained.Contains(k)) continue;
            if (k is null || !allowed.Contains(k))
                Problem(key, Join(path, k ?? "?"), $"unknown key '{k}'; allowed here: {string.Join(", ", allowed)}");
        }
    }

    protected static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    protected string? Scalar(YamlMappingNode map, string key, string path)
    {
        var node = Child(map, key);
        if (node is null) return null;
        if (node is YamlScalarNode { Value: { } value })
        {
            if (value.Length == 0 && node is YamlScalarNode { Style: ScalarStyle.Plain }) { Problem(node, Join(path, key), "is empty"); return null; }
            return value;
        }
        Problem(node, Join(path, key), "must be a single value, not a list or mapping");
        return null;
    }

    protected string? Required(YamlMappingNode map, string key, string path)
    {
        if (Child(map, key) is null) { Problem(map, Join(path, key), $"'{key}' is missing"); return null; }
        return Scalar(map, key, path);
    }

    protected bool Bool(YamlMappingNode map, string key, string path, bool fallback)
    {
        string? value = Scalar(map, key, path);
        if (value is null) return fallback;
        if (value is "true" or "True" or "TRUE" or "yes") return true;
        if (value is "false" or "False" or "FALSE" or "no") return false;
        Problem(Child(map, key)!, Join(path, key), $"'{value}' is not a boolean: use true or false");
        return fallback;
    }

    protected int Int(YamlMappingNode map, string key, string path, int fallback)
    {
        string? value = Scalar(map, key, path);
        if (value is null) return fallback;
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int result)) return result;
        Problem(Child(map, key)!, Join(path, key), $"'{value}' is not a whole number");
        return fallback;
    }

    protected T? Enum<T>(YamlMappingNode map, string key, string path, Func<string, T?> parse) where T : struct
    {
        string? value = Scalar(map, key, path);
        if (value is null) return null;
        var parsed = parse(value);
        if (parsed is null)
        {
            string allowed = key switch
            {
                "auth" => "iam, password or none",
                "grant_mode" => "auto, direct or groups",
                _ => "owner, readwrite, readonly, all or usage",
            };
            Problem(Child(map, key)!, Join(path, key), $"'{value}' is not valid: use {allowed}");
        }
        return parsed;
    }

    /// <summary>The list under <paramref name="key"/> of the mapping at <paramref name="path"/>; each item read with its path from the root.</summary>
    protected List<T> ReadList<T>(YamlMappingNode map, string key, string path, Func<YamlNode, string, T?> read) where T : class
    {
        var result = new List<T>();
        var node = Child(map, key);
        if (node is null) return result;
        string listPath = Join(path, key);
        if (node is not YamlSequenceNode list) { Problem(node, listPath, "must be a list"); return result; }
        for (int i = 0; i < list.Children.Count; i++)
            if (read(list.Children[i], $"{listPath}[{i}]") is { } item) result.Add(item);
        return result;
    }

    protected ImmutableArray<string> ReadScalarList(YamlMappingNode map, string key, string path, Func<string, string?> check)
    {
        var node = Child(map, key);
        if (node is null) return ImmutableArray<string>.Empty;
        if (node is not YamlSequenceNode list) { Problem(node, path, "must be a list, e.g. [a, b]"); return ImmutableArray<string>.Empty; }
        var result = ImmutableArray.CreateBuilder<string>();
        for (int i = 0; i < list.Children.Count; i++)
        {
            if (list.Children[i] is not YamlScalarNode { Value: { } value }) { Problem(list.Children[i], $"{path}[{i}]", "must be a name"); continue; }
            if (check(value) is { } problem) { Problem(list.Children[i], $"{path}[{i}]", problem); continue; }
            if (result.Contains(value)) { Problem(list.Children[i], $"{path}[{i}]", $"\"{value}\" is listed twice"); continue; }
            result.Add(value);
        }
        return result.ToImmutable();
    }
}
