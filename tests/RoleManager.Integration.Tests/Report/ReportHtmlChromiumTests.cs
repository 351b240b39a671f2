using RoleManager.Audit;
using RoleManager.Audit.Render;
using RoleManager.Connect;

namespace RoleManager.Integration.Tests.Report;

public sealed class ReportHtmlChromiumTests
{
    [ChromiumFact]
    public async Task The_HTML_report_renders_in_headless_Chromium_with_its_picture_and_without_errors()
    {
        var s = await AuditScenario.CreateAsync();
        if (s.Unsupported) return; // the scenario needs pg_read_all_data / pg_write_all_data (PostgreSQL 14+)
        var report = await AuditReporter.ReportAsync(new NpgsqlConnectionFactory(s.Db.MasterSettings), s.Declared, DateTimeOffset.UtcNow, CancellationToken.None);
        string dir = Directory.CreateTempSubdirectory("rm-report-html-").FullName;
        string html = Path.Combine(dir, "report.html"), png = Path.Combine(dir, "report.png");
        await File.WriteAllTextAsync(html, HtmlRenderer.Render(report));

        var shot = await Chromium.RunAsync(html, $"--screenshot={png}", "--window-size=1400,1000", "--hide-scrollbars");
        Assert.True(File.Exists(png), $"no screenshot (exit {shot.ExitCode}):\n{shot.StdErr}");
        byte[] bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        int distinct = Chromium.DistinctPixelBytes(bytes);
        Assert.True(distinct > 64, $"the screenshot looks blank: {distinct} distinct byte values");
        // The README's picture is the demo's own database, not this scenario's: bin/readme-screenshot.

        var dom = await Chromium.RunAsync(html, "--dump-dom", "--virtual-time-budget=2000");
        Assert.Equal(0, dom.ExitCode);
        Assert.Contains("<svg", dom.StdOut);
        Assert.Contains($"{s.R("bob")}", dom.StdOut);
        Assert.Contains("roles, memberships and what they reach", dom.StdOut);
        // No script runs, so no script error; a console error or a failed load would be logged here.
        Assert.DoesNotContain("Uncaught", dom.StdErr);
        Assert.DoesNotContain("CONSOLE", dom.StdErr);
        Assert.DoesNotContain("net::ERR_", dom.StdErr);
    }
}
