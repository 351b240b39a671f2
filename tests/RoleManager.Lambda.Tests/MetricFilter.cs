using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// The subset of CloudWatch Logs' JSON filter syntax the Terraform module uses — <c>{ $.a = "x" &amp;&amp; $.b &gt; 0 }</c>,
/// top-level fields, = on strings and numbers, &gt; on numbers — evaluated against one log line, so a test proves the
/// line has the fields, types and values the alarm's metric filters match. Anything else in a pattern fails the test.
/// </summary>
internal static partial class MetricFilter
{
    public static bool Matches(string pattern, JsonElement line)
    {
        var body = pattern.Trim();
        Assert.True(body.StartsWith('{') && body.EndsWith('}'), $"not a JSON filter: {pattern}");
        return body[1..^1].Split("&&").All(term => Term(term.Trim(), line));
    }

    private static bool Term(string term, JsonElement line)
    {
        var match = TermPattern().Match(term);
        Assert.True(match.Success, $"a term the test cannot evaluate: {term}");
        if (!line.TryGetProperty(match.Groups["field"].Value, out var value)) return false;
        string op = match.Groups["op"].Value, operand = match.Groups["value"].Value;
        if (operand.StartsWith('"'))
            return op == "=" && value.ValueKind == JsonValueKind.String && value.GetString() == operand[1..^1];
        if (value.ValueKind != JsonValueKind.Number) return false;
        double number = value.GetDouble(), limit = double.Parse(operand, CultureInfo.InvariantCulture);
        return op == "=" ? number == limit : number > limit;
    }

    [GeneratedRegex("""^\$\.(?<field>[A-Za-z_][A-Za-z0-9_]*)\s*(?<op>=|>)\s*(?<value>"[^"]*"|-?\d+(\.\d+)?)$""")]
    private static partial Regex TermPattern();
}
