using System.Globalization;
using RoleManager.Model;

namespace RoleManager.Planning;

/// <summary>
/// Compares a declared setting value with the one stored in <c>pg_db_role_setting</c> as the server reads them:
/// <c>ALTER ROLE ... SET</c> stores the text it was given (<c>30s</c>, <c>30000</c>, <c>TRUE</c>, <c>64MB</c>), so two
/// texts are the same value when the server would parse them to the same thing: booleans by meaning, enums without
/// case, numbers in the setting's base unit (<c>pg_settings.unit</c>). Strings and unknown (custom) settings compare as text.
/// </summary>
internal static class SettingValues
{
    private static readonly string[] True = ["on", "true", "tru", "tr", "t", "yes", "ye", "y", "1"];
    private static readonly string[] False = ["off", "false", "fals", "fal", "fa", "f", "no", "n", "0"];

    private static readonly Dictionary<string, double> Memory = new(StringComparer.Ordinal)
    {
        ["B"] = 1, ["kB"] = 1024, ["MB"] = 1024.0 * 1024, ["GB"] = 1024.0 * 1024 * 1024, ["TB"] = 1024.0 * 1024 * 1024 * 1024,
    };

    private static readonly Dictionary<string, double> Time = new(StringComparer.Ordinal)
    {
        ["us"] = 0.001, ["ms"] = 1, ["s"] = 1000, ["min"] = 60_000, ["h"] = 3_600_000, ["d"] = 86_400_000,
    };

    /// <summary>True when PostgreSQL reads <paramref name="value"/> as a true boolean (on, true, yes, 1 and their prefixes).</summary>
    public static bool IsTrue(string value) => True.Contains(value.Trim().ToLowerInvariant());

    public static bool Same(string declared, string stored, SettingKind? kind) =>
        declared == stored || (kind is not null && Canonical(declared, kind) is { } a && a == Canonical(stored, kind));

    /// <summary>The value as the server would hold it, or null when it does not parse (then only equal text is the same).</summary>
    private static string? Canonical(string value, SettingKind kind)
    {
        string text = value.Trim();
        switch (kind.Type)
        {
            case "bool":
                string lower = text.ToLowerInvariant();
                return True.Contains(lower) ? "on" : False.Contains(lower) ? "off" : null;
            case "enum":
                return text.ToLowerInvariant();
            case "integer" or "real":
                return Number(text, kind.Unit) is { } number
                    ? (kind.Type == "integer" ? Math.Round(number) : number).ToString("R", CultureInfo.InvariantCulture) : null;
            default:
                return null;
        }
    }

    /// <summary>The number in multiples of the setting's base unit (<c>8kB</c> counts 8192-byte pages), or null.</summary>
    private static double? Number(string text, string? baseUnit)
    {
        int end = 0;
        bool Exponent(int i) => text[i] is 'e' or 'E' && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] is '-' or '+');
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '.' or '-' or '+' || Exponent(end)))
            end++;
        if (!double.TryParse(text[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return null;
        string unit = text[end..].Trim();
        if (unit.Length == 0) return number;
        if (baseUnit is null || Size(baseUnit) is not { } basis || Size(unit) is not { } given || basis.Table != given.Table) return null;
        return number * given.Factor / basis.Factor;
    }

    /// <summary>A unit such as <c>MB</c>, <c>s</c> or a base unit such as <c>8kB</c>: its family and its size in that family's smallest unit.</summary>
    private static (Dictionary<string, double> Table, double Factor)? Size(string unit)
    {
        int digits = 0;
        while (digits < unit.Length && char.IsAsciiDigit(unit[digits])) digits++;
        double count = digits == 0 ? 1 : double.Parse(unit[..digits], CultureInfo.InvariantCulture);
        string name = unit[digits..];
        if (Memory.TryGetValue(name, out double bytes)) return (Memory, count * bytes);
        if (Time.TryGetValue(name, out double ms)) return (Time, count * ms);
        return null;
    }
}
