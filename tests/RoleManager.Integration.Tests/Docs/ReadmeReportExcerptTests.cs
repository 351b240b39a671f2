using System.Text.RegularExpressions;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README, "Who can do what": the Markdown rendering of the demo's database (an excerpt). Run on the default layout
/// as `bin/demo` applies it: each line of the excerpt is a line of `report --format markdown`, with the fixture's
/// names for the demo's (`appdb`, `master`) and, where the excerpt gives counts and a time, the same line with this
/// server's (other tests share it, so its role count is not the demo's).
/// </summary>
public sealed class ReadmeReportExcerptTests
{
    [Fact]
    public async Task The_readmes_markdown_report_excerpt_is_what_report_format_markdown_prints_for_the_default_layout()
    {
        var excerpt = Readme.CodeBlocks().Single(b => b.Info == "markdown" && b.Text.Contains("Who can do what in database", StringComparison.Ordinal));
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password");
        Assert.True(apply.ExitCode == 0, apply.All);

        var report = await CliRunner.RunAsync(env, "report", "--auth", "password", "--format", "markdown");

        Assert.True(report.ExitCode == 0, report.All);
        var printed = report.StdOut.Split('\n').Select(l => l.TrimEnd()).ToHashSet(StringComparer.Ordinal);
        string master = PostgresServer.MasterUser;
        int major = int.Parse(Regex.Match(report.StdOut, @"^PostgreSQL (\d+)\.", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int checkedLines = 0;
        foreach (string raw in excerpt.Text.Split('\n'))
        {
            string line = raw.TrimEnd();
            // The server's own roles differ from an RDS instance's and the demo's: its bootstrap superuser's name, and
            // the memberships the fixture gives its master on each major.
            if (line.Length == 0 || line == "…" || line.StartsWith("| `postgres` |", StringComparison.Ordinal) || line.StartsWith("| `master` |", StringComparison.Ordinal))
                continue;
            // The excerpt is a PostgreSQL 15's (as on RDS today): pg_database_owner exists from 14.
            if (major < 14 && line.StartsWith("| `pg_database_owner` |", StringComparison.Ordinal)) continue;
            line = Regex.Replace(line, @"`appdb`|database appdb", m => m.Value.Replace("appdb", db.Name, StringComparison.Ordinal));
            line = Regex.Replace(line, @"`master`|- master \(|through master →", m => m.Value.Replace("master", master, StringComparison.Ordinal));
            line = Regex.Replace(line, @"`app`|granting app\b", m => m.Value.Replace("app", db.App, StringComparison.Ordinal));
            line = Regex.Replace(line, @"`migrator`|by migrator\b|of migrator\b", m => m.Value.Replace("migrator", db.Migrator, StringComparison.Ordinal));
            checkedLines++;
            if (line.StartsWith("PostgreSQL ", StringComparison.Ordinal))
                Assert.Contains(printed, l => Regex.IsMatch(l, $@"^PostgreSQL \d+\.\d+.*, owner `{master}`, read as `{master}` at \d{{4}}-\d\d-\d\d \d\d:\d\d UTC\.$"));
            else if (Regex.IsMatch(line, @"^\d+ roles, "))
            {
                // The counts are this server's (other tests share it); the sentence around them is the README's.
                string shape = "^" + Regex.Replace(Regex.Escape(line), @"\d+", @"\d+") + "$";
                Assert.True(printed.Any(l => Regex.IsMatch(l, shape)), $"no line like \"{line}\" in:\n{report.StdOut}");
            }
            else Assert.True(printed.Contains(line), $"the README's line \"{line}\" is not printed:\n{report.StdOut}");
        }
        Assert.True(checkedLines > 20, $"only {checkedLines} lines of the README's excerpt were read");
    }
}
