using System.Text.Json;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Evidence;

/// <summary>Issue #31, the CLI's side: <c>--evidence DIR</c> on check and apply writes the function's evidence to a folder.</summary>
public class EvidenceCliTests
{
    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "rm-evidence-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Apply_then_check_with_evidence_in_a_folder_name_who_was_granted_SELECT_outside_the_tool()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        string folder = NewFolder();
        string outsider = db.Prefix + "_outsider";
        try
        {
            var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password", "--evidence", folder);
            Assert.True(apply.ExitCode == 0, apply.All);
            Assert.Contains("evidence: " + folder, apply.StdErr);
            await using (var su = await db.SuperuserAsync())
                await TestDatabase.Exec(su, $"SET ROLE {db.Migrator}; CREATE TABLE app.orders (id int); RESET ROLE; CREATE ROLE {outsider} LOGIN; "
                    + $"GRANT USAGE ON SCHEMA app TO {outsider}; GRANT SELECT ON app.orders TO {outsider}");

            var check = await CliRunner.RunAsync(env, "check", "--auth", "password", "--evidence", folder, "--output", "json");
            Assert.True(check.ExitCode is 0 or 3, check.All);
            JsonDocument.Parse(check.StdOut).Dispose(); // standard output stays the run's one JSON document

            var files = Directory.GetFiles(Path.Combine(folder, db.Name), "*.json").Order(StringComparer.Ordinal).ToList();
            Assert.Equal(2, files.Count);
            Assert.Contains("-manage-", Path.GetFileName(files[0]));
            Assert.Contains("-check-", Path.GetFileName(files[1]));
            using var evidence = JsonDocument.Parse(await File.ReadAllTextAsync(files[1]));
            var root = evidence.RootElement;
            Assert.Equal(files[0], root.GetProperty("previous").GetString());
            Assert.Equal(check.ExitCode == 0 ? "pass" : "fail", root.GetProperty("outcome").GetString());
            Assert.Contains(root.GetProperty("diff").GetProperty("gained").EnumerateArray(),
                l => l.GetProperty("role").GetString() == outsider && l.GetProperty("privilege").GetString() == "SELECT");
            Assert.True(root.GetProperty("counts").GetProperty("accessGained").GetInt32() >= 2); // USAGE on the schema and SELECT on orders
            foreach (var file in files)
            {
                string text = await File.ReadAllTextAsync(file);
                Assert.DoesNotContain(db.Server.MasterPassword, text);
                Assert.DoesNotContain(db.AppPassword, text);
                Assert.DoesNotContain(db.MigratorPassword, text);
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Plan_does_not_take_evidence()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "plan", "--evidence", NewFolder());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--evidence", result.StdErr);
    }

    [Fact]
    public async Task An_evidence_folder_that_cannot_be_written_is_an_error_after_the_result_is_printed()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        string file = Path.GetTempFileName(); // a file where the folder should be
        try
        {
            var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password", "--evidence", file);
            Assert.Equal(1, apply.ExitCode);
            Assert.Contains("CREATE SCHEMA", apply.StdOut);
            Assert.Contains("cannot", apply.StdErr);
            Assert.Contains("--evidence", apply.StdErr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
