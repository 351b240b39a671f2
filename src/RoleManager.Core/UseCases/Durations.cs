using System.Globalization;
using RoleManager.Errors;

namespace RoleManager.UseCases;

/// <summary>Durations as both hosts accept them: <c>500ms</c>, <c>10s</c>, <c>5m</c> (or, for a <c>..._SECONDS</c> variable, a number of seconds); 0 means no limit (as in PostgreSQL).</summary>
public static class Durations
{
    /// <param name="source">Where the value came from, for the message (<c>--lock-timeout</c>, <c>ROLE_MANAGER_LOCK_TIMEOUT_SECONDS</c>).</param>
    /// <param name="unitRequired">A bare number other than 0 is an error (a flag, where <c>10</c> could mean 10 ms as
    /// well as 10 s); a variable named <c>..._SECONDS</c> takes a bare number of seconds.</param>
    public static TimeSpan Parse(string? text, string source, bool unitRequired = false)
    {
        string value = (text ?? "").Trim();
        double factor = 1;
        string number = value;
        if (number.EndsWith("ms", StringComparison.Ordinal)) { factor = 0.001; number = number[..^2]; }
        else if (number.EndsWith('s')) number = number[..^1];
        else if (number.EndsWith('m')) { factor = 60; number = number[..^1]; }
        else if (unitRequired && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double bare) && bare != 0)
            throw new ConfigException($"{source} '{value}' has no unit: write {source} {value}s for seconds (or {value}ms, {value}m); only 0 (no limit) goes without one.");
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount)
            && double.IsFinite(amount) && amount >= 0 && amount * factor <= TimeSpan.FromDays(1).TotalSeconds)
            return TimeSpan.FromSeconds(amount * factor);
        throw new ConfigException($"{source} '{value}' is not a duration: use e.g. 500ms, 10s or 5m (0 for no limit, at most one day).");
    }
}
