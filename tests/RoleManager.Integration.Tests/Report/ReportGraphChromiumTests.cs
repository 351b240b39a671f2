using System.Text;
using System.Text.RegularExpressions;
using RoleManager.Audit;
using RoleManager.Audit.Render;
using RoleManager.Connect;

namespace RoleManager.Integration.Tests.Report;

/// <summary>The HTML report's picture at 50 roles, measured in headless Chromium (the browser's own text boxes).</summary>
public sealed partial class ReportGraphChromiumTests
{
    /// <summary>Appended to a copy of the page: each label's box as Chromium lays it out, and the pairs that overlap.</summary>
    private const string Probe = """
        <script>
        const boxes = [...document.querySelectorAll('svg text.label')].map(t => t.getBBox());
        let overlaps = [];
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i], b = boxes[j];
          if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) overlaps.push(i + '/' + j);
        }
        document.body.setAttribute('data-labels', boxes.length);
        document.body.setAttribute('data-overlaps', overlaps.length + ':' + overlaps.slice(0, 10).join(','));
        </script>
        """;

    [ChromiumFact]
    public async Task At_50_roles_no_edge_labels_overlap_login_roles_have_their_own_column_and_there_is_a_legend()
    {
        var db = await TestDatabase.CreateAsync();
        string p = db.Prefix;
        var sql = new StringBuilder($"CREATE ROLE {p}_owner; CREATE SCHEMA app AUTHORIZATION {p}_owner; CREATE SCHEMA reports AUTHORIZATION {p}_owner; CREATE SCHEMA audit AUTHORIZATION {p}_owner;");
        sql.Append($"CREATE TABLE app.t (id int); CREATE TABLE reports.t (id int); CREATE TABLE audit.t (id int);");
        string[] schemas = ["app", "reports", "audit"];
        for (int g = 0; g < 10; g++)
        {
            sql.Append($"CREATE ROLE {p}_group{g} NOLOGIN; GRANT USAGE ON SCHEMA {schemas[g % 3]}, {schemas[(g + 1) % 3]} TO {p}_group{g};");
            sql.Append($"GRANT SELECT{(g % 2 == 0 ? ", INSERT, UPDATE" : "")} ON ALL TABLES IN SCHEMA {schemas[g % 3]} TO {p}_group{g};");
        }
        for (int u = 0; u < 39; u++)
        {
            sql.Append($"CREATE ROLE {p}_user{u:00} LOGIN{(u % 7 == 0 ? " NOINHERIT" : "")}; GRANT {p}_group{u % 10} TO {p}_user{u:00}; GRANT CONNECT ON DATABASE {db.Name} TO {p}_user{u:00};");
            if (u % 4 == 0) sql.Append($"GRANT {p}_group{(u + 3) % 10} TO {p}_user{u:00};");
            if (u % 5 == 0) sql.Append($"GRANT USAGE, CREATE ON SCHEMA audit TO {p}_user{u:00}; GRANT DELETE, TRUNCATE ON audit.t TO {p}_user{u:00};");
        }
        await using (var su = await db.SuperuserAsync()) await TestDatabase.Exec(su, sql.ToString());

        var report = await AuditReporter.ReportAsync(new NpgsqlConnectionFactory(db.MasterSettings), DeclaredLayout.None, DateTimeOffset.UtcNow, CancellationToken.None);
        string page = HtmlRenderer.Render(report);
        string svg = page[page.IndexOf("<svg", StringComparison.Ordinal)..(page.IndexOf("</svg>", StringComparison.Ordinal) + 6)];

        // Every role that can log in (the master included) is a box in the left column; the groups are not.
        var boxX = NodeBox().Matches(svg).ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups["name"].Value), m => int.Parse(m.Groups["x"].Value), StringComparer.Ordinal);
        Assert.True(boxX.Keys.Count(n => n.StartsWith(p + "_", StringComparison.Ordinal)) >= 49, string.Join(", ", boxX.Keys));
        foreach (var login in boxX.Keys.Where(n => n.StartsWith(p + "_user", StringComparison.Ordinal)).Append(PostgresServer.MasterUser))
            Assert.Equal(20, boxX[login]);
        foreach (var group in boxX.Keys.Where(n => n.StartsWith(p + "_group", StringComparison.Ordinal)))
            Assert.Equal(480, boxX[group]);
        Assert.Contains("<g class=\"legend\">", svg);
        Assert.Contains("member of, no INHERIT: only after SET ROLE", svg);

        string dir = Directory.CreateTempSubdirectory("rm-report-graph-").FullName;
        string html = Path.Combine(dir, "report.html"), probe = Path.Combine(dir, "probe.html"), png = Path.Combine(dir, "graph.png");
        await File.WriteAllTextAsync(html, page);
        await File.WriteAllTextAsync(probe, page.Replace("</body>", Probe + "</body>", StringComparison.Ordinal));
        var dom = await Chromium.RunAsync(probe, "--dump-dom", "--virtual-time-budget=3000");
        Assert.Equal(0, dom.ExitCode);
        var labels = LabelCount().Match(dom.StdOut);
        Assert.True(labels.Success && int.Parse(labels.Groups[1].Value) > 40, $"labels: {labels.Value}");
        Assert.Contains("data-overlaps=\"0:\"", dom.StdOut);

        var shot = await Chromium.RunAsync(html, $"--screenshot={png}", "--window-size=1300,2200", "--hide-scrollbars");
        Assert.True(File.Exists(png), $"no screenshot (exit {shot.ExitCode}):\n{shot.StdErr}");
        if (Environment.GetEnvironmentVariable("RM_REPORT_GRAPH_SCREENSHOT") is { Length: > 0 } keep) File.Copy(png, keep, overwrite: true);
    }

    [GeneratedRegex("<g><title>(?<name>[^<]*)</title><rect x=\"(?<x>\\d+)\"")]
    private static partial Regex NodeBox();

    [GeneratedRegex("data-labels=\"(\\d+)\"")]
    private static partial Regex LabelCount();
}
