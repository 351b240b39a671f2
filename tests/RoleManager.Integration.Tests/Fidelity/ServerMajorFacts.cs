using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// The major of the server the tests start (<see cref="PostgresServer.FindBinaries"/>: PG_BIN, else the newest installed),
/// read before any server runs so that a test that needs another major is reported as skipped, not passed.
/// </summary>
internal static partial class ServerMajor
{
    public static readonly Lazy<int?> Value = new(Read);

    private static int? Read()
    {
        string bin;
        try { bin = PostgresServer.FindBinaries(Environment.GetEnvironmentVariable("PG_BIN")); }
        catch (InvalidOperationException) { return null; }
        var start = new ProcessStartInfo(Path.Combine(bin, "postgres"), "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
        // The npm builds keep their shared libraries beside bin/ (as the fixture runs them).
        start.Environment["LD_LIBRARY_PATH"] = Path.GetFullPath(Path.Combine(bin, "..", "lib"));
        try
        {
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return Version().Match(output) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\(PostgreSQL\) (\d+)")]
    private static partial Regex Version();
}

/// <summary>A fact about a per-membership option (INHERIT, SET): PostgreSQL 16+ only, skipped with the reason below that.</summary>
internal sealed class Since16FactAttribute : FactAttribute
{
    public Since16FactAttribute()
    {
        if (ServerMajor.Value.Value is < 16 and { } major)
            Skip = $"INHERIT and SET are options of a membership from PostgreSQL 16; this server is {major}";
    }
}

/// <summary>A fact about what a server before 16 cannot do; skipped with the reason on 16 and later.</summary>
internal sealed class Before16FactAttribute : FactAttribute
{
    public Before16FactAttribute()
    {
        if (ServerMajor.Value.Value is >= 16 and { } major)
            Skip = $"about servers before PostgreSQL 16; this server is {major}";
    }
}
