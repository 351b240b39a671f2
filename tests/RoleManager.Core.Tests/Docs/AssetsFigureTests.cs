using System.Globalization;
using System.Text.RegularExpressions;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// assets/README.md says what the five Amazon Trust Services roots save on a Lambda cold start. The figure is the
/// latest measured in docs/performance.md ("Lambda cold start with TLS verify-full and a SCRAM password login",
/// small database): the function with the machine's CA store minus the same with the module's roots.
/// </summary>
public sealed class AssetsFigureTests
{
    private const string ColdStart = "Lambda cold start with TLS verify-full and a SCRAM password login…";
    private const string Small = "default layout, small database | AOT function, TLS verify-full + SCRAM, RDS bundle + CA";

    [Fact]
    public void The_cold_start_the_trimmed_ca_store_saves_is_the_latest_measured_in_performance_md()
    {
        int withStore = Median($"{Small}, the machine's CA store");
        int withRoots = Median($"{Small} (88");

        var said = DocText.Says("assets/README.md", @"~(?<saved>\d+) ms of every cold start \(measured: (?<store>\d+) ms with the machine's CA store, (?<roots>\d+) ms with");

        Assert.Equal(withStore, int.Parse(said.Groups["store"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(withRoots, int.Parse(said.Groups["roots"].Value, CultureInfo.InvariantCulture));
        // "~70 ms": the difference, to the nearest 10 ms.
        Assert.Equal((int)Math.Round((withStore - withRoots) / 10.0, MidpointRounding.AwayFromZero) * 10, int.Parse(said.Groups["saved"].Value, CultureInfo.InvariantCulture));
    }

    private static int Median(string row) =>
        int.Parse(Regex.Match(DocText.Cell("docs/performance.md", ColdStart, row, "median (ms)"), @"\d+").Value, CultureInfo.InvariantCulture);
}
