using System.Text.Json;
using RoleManager.Audit;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Report;

public sealed class ReportCliTests
{
    /// <summary>A config that declares schema app owned by the scenario's owner (so only t3 has an unexpected owner).</summary>
    internal static string WriteConfig(AuditScenario s)
    {
        string file = Path.Combine(Path.GetTempPath(), $"report-{s.Db.Name}.yaml");
        File.WriteAllText(file, $"""
            database: {s.Db.Name}
            auth: none
            schemas:
              - name: app
                owner: {s.R("owner")}
            roles:
              - name: {s.R("owner")}
              - name: {s.R("app")}
                grants:
                  - {"{"} schema: app, profile: readwrite {"}"}
            """);
        return file;
    }

    [Fact]
    public async Task Every_format_reports_the_paths_and_never_prints_the_master_password()
    {
        var s = await AuditScenario.CreateAsync();
        if (s.Unsupported) return; // the scenario needs pg_read_all_data / pg_write_all_data (PostgreSQL 14+)
        var env = CliEnvironment.Master(s.Db);
        string config = WriteConfig(s);
        var outputs = new Dictionary<string, string>();
        foreach (var format in new[] { "table", "json", "markdown", "html" })
        {
            var result = await CliRunner.RunAsync(env, "report", "--config", config, "--format", format);
            Assert.True(result.ExitCode == 0, $"{format}: exit {result.ExitCode}\n{result.All}");
            Assert.DoesNotContain(s.Db.Server.MasterPassword, result.All);
            Assert.Contains($"via predefined role pg_write_all_data: {s.R("bob")} → {s.R("writers")} → pg_write_all_data",
                format == "html" ? System.Net.WebUtility.HtmlDecode(result.StdOut) : result.StdOut);
            outputs[format] = result.StdOut;
        }
        var report = JsonSerializer.Deserialize(outputs["json"], AuditJson.Default.AuditReport)!;
        Assert.Equal(1, report.FormatVersion);
        Assert.Equal(s.Db.Name, report.Server.Database);
        Assert.Contains(report.Roles, r => r.Name == s.R("owner") && r.Declared);
        Assert.Contains(report.Roles, r => r.Name == s.R("iam") && r.Login == "iam");
        Assert.Contains("| Can | On | Through |", outputs["markdown"]);
        Assert.Contains("<svg", outputs["html"]);
        Assert.DoesNotContain("<script", outputs["html"]);
        Assert.DoesNotContain("http://", outputs["html"].Replace("http://www.w3.org/2000/svg", ""));
        Assert.DoesNotContain("https://", outputs["html"]);

        // --output json (the global option) means --format json; --output-file writes the file.
        string file = Path.Combine(Path.GetTempPath(), $"report-{s.Db.Name}.json");
        var toFile = await CliRunner.RunAsync(env, "report", "--config", config, "--output", "json", "--output-file", file);
        Assert.Equal(0, toFile.ExitCode);
        Assert.Equal("", toFile.StdOut);
        Assert.NotNull(JsonSerializer.Deserialize(File.ReadAllText(file), AuditJson.Default.AuditReport));
    }

    /// <summary>The scenario and its JSON report written before the change a diff test makes; null where the scenario cannot run.</summary>
    private static async Task<(AuditScenario, Dictionary<string, string?>, string, string)?> EarlierReportAsync()
    {
        var s = await AuditScenario.CreateAsync();
        if (s.Unsupported) return null; // the scenario needs pg_read_all_data / pg_write_all_data (PostgreSQL 14+)
        var env = CliEnvironment.Master(s.Db);
        string config = WriteConfig(s);
        string old = Path.Combine(Path.GetTempPath(), $"report-old-{s.Db.Name}.json");
        Assert.Equal(0, (await CliRunner.RunAsync(env, "report", "--config", config, "--format", "json", "--output-file", old)).ExitCode);
        return (s, env, config, old);
    }

    [Fact]
    public async Task Diff_names_who_gained_and_who_lost_what_and_through_which_path()
    {
        if (await EarlierReportAsync() is not var (s, env, config, old)) return;
        await using (var su = await s.Db.SuperuserAsync())
            await TestDatabase.Exec(su, $"GRANT SELECT ON app.t2 TO {s.R("iam")}; REVOKE {s.R("readers")} FROM {s.R("alice")};");

        var result = await CliRunner.RunAsync(env, "report", "--config", config, "--diff", old, "--format", "json");
        Assert.True(result.ExitCode == 2, result.All); // differences: exit 2, as plan --detailed-exitcode
        var diff = JsonSerializer.Deserialize(result.StdOut, AuditJson.Default.ReportDiff)!;
        Assert.True(diff.Gained.Any(l => l.Role == s.R("iam")), result.StdOut);
        Assert.Contains(diff.Gained, l => l.Role == s.R("iam") && l.Privilege == "SELECT" && l.On == "table in app" && l.Names.SequenceEqual(["t2"]) && l.Paths.SequenceEqual(["granted directly"]));
        Assert.Contains(diff.Lost, l => l.Role == s.R("alice") && l.Privilege == "SELECT" && l.Names.Contains("t1")
            && l.Paths.SequenceEqual([$"via membership {s.R("alice")} → {s.R("readers")}"]));
        Assert.Contains($"role {s.R("alice")}: no longer member of {s.R("readers")}", diff.RoleChanges);

        // The same comparison offline, between two files, and as Markdown for a pull request.
        string newer = Path.Combine(Path.GetTempPath(), $"report-new-{s.Db.Name}.json");
        Assert.Equal(0, (await CliRunner.RunAsync(env, "report", "--config", config, "--format", "json", "--output-file", newer)).ExitCode);
        var offline = await CliRunner.RunAsync(new Dictionary<string, string?>(), "report", "--diff", old, "--against", newer, "--format", "markdown");
        Assert.True(offline.ExitCode == 2, offline.All);
        Assert.Contains($"### `{s.R("iam")}`\n- + SELECT on table in app (1): t2 — granted directly\n", offline.StdOut);
        var same = await CliRunner.RunAsync(new Dictionary<string, string?>(), "report", "--diff", newer, "--against", newer);
        Assert.Contains("No change", same.StdOut);
        Assert.Equal(0, same.ExitCode);
    }

    [Fact]
    public async Task A_diff_after_one_table_and_one_grant_is_one_block_per_role_with_the_superusers_last_and_an_html_page()
    {
        if (await EarlierReportAsync() is not var (s, env, config, old)) return;
        await using (var su = await s.Db.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE TABLE app.fresh (id int); ALTER TABLE app.fresh OWNER TO {s.R("owner")}; GRANT SELECT ON app.fresh TO {s.R("iam")};");

        var text = await CliRunner.RunAsync(env, "report", "--config", config, "--diff", old);
        Assert.True(text.ExitCode == 2, text.All);
        var lines = text.StdOut.Split('\n');
        // The hand grant is a line of its own under its role, near the top, not buried among the superuser's privileges.
        int iam = Array.IndexOf(lines, s.R("iam"));
        Assert.True(iam > 0, text.StdOut);
        Assert.Equal("  + SELECT on table in app (1): fresh — granted directly", lines[iam + 1]);
        // The superuser's every privilege on the new table is one line, in a block after every other role's.
        int super = Array.FindIndex(lines, l => l.StartsWith(PostgresServer.SuperUser + " (superuser", StringComparison.Ordinal));
        Assert.True(super > iam, text.StdOut);
        Assert.Single(lines[(super + 1)..].TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)), l => l.Contains("fresh"));
        Assert.Equal("", lines[iam + 2]); // the role's whole change is that one line (roles are cluster-wide: other tests' roles may appear too)

        var html = await CliRunner.RunAsync(env, "report", "--config", config, "--diff", old, "--format", "html");
        Assert.Equal(2, html.ExitCode);
        Assert.StartsWith("<!DOCTYPE html>", html.StdOut);
        Assert.DoesNotContain("<pre>", html.StdOut);
        Assert.Contains($"<h2><code>{s.R("iam")}</code></h2><table>", html.StdOut);
        Assert.Contains("<td>gained</td><td>table in app (1): fresh</td><td>SELECT</td><td>granted directly</td>", html.StdOut);
    }

    [Fact]
    public async Task A_diff_against_a_file_that_is_not_a_report_fails_with_a_clear_message()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"not-a-report-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, "{\"changes\": []}");
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "report", "--diff", bad, "--against", bad);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a report written by 'role-manager report --format json'", result.StdErr);
        var missing = await CliRunner.RunAsync(new Dictionary<string, string?>(), "report", "--diff", bad + ".missing", "--against", bad);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("cannot read the report", missing.StdErr);
    }
}
