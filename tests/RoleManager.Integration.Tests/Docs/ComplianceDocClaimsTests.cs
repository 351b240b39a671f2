using System.Text.Json;
using System.Text.Json.Nodes;
using RoleManager.Aws.Evidence;
using RoleManager.Errors;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// docs/compliance.md, read as a user with a folder of evidence would (`--evidence DIR`): the layout and the rename,
/// what a dry run's evidence says, reading an object's report with `report --diff`, an object this version cannot read,
/// and the settings that are refused with the name of what set them.
/// </summary>
public sealed class ComplianceDocClaimsTests
{
    private static JsonNode Read(string file) => JsonNode.Parse(File.ReadAllText(file))!;

    /// <summary>A CLI environment with AWS credentials and no database (port 1): what is refused here is refused before connecting.</summary>
    private static readonly Dictionary<string, string?> NoDatabase = new()
    {
        ["PGHOST"] = "127.0.0.1", ["PGPORT"] = "1", ["PGSSLMODE"] = "disable", ["PGDATABASE"] = "app",
        ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "example", ["AWS_REGION"] = "us-east-1",
    };

    [Fact]
    public async Task Evidence_in_a_folder_is_renamed_into_place_a_dry_run_fails_and_two_objects_reports_diff_as_report_files()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        string folder = Directory.CreateTempSubdirectory("rm-compliance-").FullName;
        string databaseFolder = Directory.CreateDirectory(Path.Combine(folder, db.Name)).FullName;
        string outsider = db.Prefix + "_outsider";
        try
        {
            // "each file is written under a temporary name and renamed, so a reader never sees half an object"
            var renamed = new List<RenamedEventArgs>();
            using (var watcher = new FileSystemWatcher(databaseFolder) { EnableRaisingEvents = true })
            {
                watcher.Renamed += (_, e) => { lock (renamed) renamed.Add(e); };
                // "a manage fails when it left the database unlike the layout (a dry run ... with changes ...)"
                var dryRun = await CliRunner.RunAsync(env, "apply", "--auth", "password", "--dry-run", "--evidence", folder);
                Assert.True(dryRun.ExitCode == 0, dryRun.All);
                await Task.Delay(500); // inotify's events arrive after the process is gone
            }
            string first = Assert.Single(Directory.GetFiles(databaseFolder));
            lock (renamed)
                Assert.Contains(renamed, e => e.FullPath == first && e.OldFullPath == first + ".tmp");
            var dry = Read(first);
            Assert.Equal(("manage", "fail"), (dry["action"]!.GetValue<string>(), dry["outcome"]!.GetValue<string>()));
            Assert.True(dry["changes"]!["dryRun"]!.GetValue<bool>());
            Assert.False(dry["changes"]!["committed"]!.GetValue<bool>());
            // "One JSON document (indented, camelCase ...), formatVersion 1"; "the CLI makes a new UUID per run".
            Assert.Equal(1, dry["formatVersion"]!.GetValue<int>());
            Assert.Contains("\n  \"formatVersion\": 1", File.ReadAllText(first));
            Assert.Matches(@"-manage-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$", first);

            var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password", "--evidence", folder);
            Assert.True(apply.ExitCode == 0, apply.All);
            // A hand grant to an outsider, a group with a member (a path with an arrow), and a privilege taken from app: check fails.
            string readers = db.Prefix + "_readers", member = db.Prefix + "_member";
            await using (var su = await db.SuperuserAsync())
                await TestDatabase.Exec(su, $"SET ROLE {db.Migrator}; CREATE TABLE app.orders (id int); RESET ROLE; CREATE ROLE {outsider} LOGIN; "
                    + $"GRANT USAGE ON SCHEMA app TO {outsider}; GRANT SELECT ON app.orders TO {outsider}; "
                    + $"CREATE ROLE {readers} NOLOGIN; CREATE ROLE {member} LOGIN IN ROLE {readers}; GRANT USAGE ON SCHEMA app TO {readers}; GRANT SELECT ON app.orders TO {readers}; "
                    + $"REVOKE INSERT ON app.orders FROM {db.App}");
            var check = await CliRunner.RunAsync(env, "check", "--auth", "password", "--evidence", folder, "--output", "json");
            // "a check that failed is still exit 3 when the evidence was written"
            Assert.True(check.ExitCode == 3, check.All);
            var files = Directory.GetFiles(databaseFolder).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(3, files.Count);
            var applied = Read(files[1]);
            var checkedNow = Read(files[2]);
            Assert.Equal("pass", applied["outcome"]!.GetValue<string>());
            Assert.Equal("fail", checkedNow["outcome"]!.GetValue<string>());
            // "assertions: a check's assertions ... — the same as check --output json"
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(check.StdOut)!["assertions"], checkedNow["assertions"]), check.StdOut);
            // "The report is taken after the apply for a manage": app's USAGE on app is in the apply's report, not in the dry run's.
            bool AppUsesSchema(JsonNode evidence) => evidence["report"]!["access"]!.AsArray().Any(a => a!["role"]!.GetValue<string>() == db.App
                && a["on"]!["kind"]!.GetValue<string>() == "schema"
                && (a["on"]!["schema"]?.GetValue<string>() == "app" || (a["on"]!["names"]?.AsArray().Any(n => n!.GetValue<string>() == "app") ?? false)));
            Assert.False(AppUsesSchema(dry));
            Assert.True(AppUsesSchema(applied));
            // "when": UTC, after the run; "server.host and server.port the run connected to".
            Assert.Equal(TimeSpan.Zero, DateTimeOffset.Parse(checkedNow["when"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).Offset);
            Assert.Equal(("127.0.0.1", db.Server.Port), (checkedNow["server"]!["host"]!.GetValue<string>(), checkedNow["server"]!["port"]!.GetValue<int>()));
            // "→ and non-ASCII names as themselves"
            string written = File.ReadAllText(files[2]);
            Assert.Contains($"{member} → {readers}", written);
            Assert.DoesNotContain("\\u2192", written);

            // "The report of an object is a report file: report --diff compares any two of them, not only neighbours"
            // (as `jq .report > report.json`): the dry run's, from before the apply, with the failed check's.
            string before = Path.Combine(folder, "before.json"), after = Path.Combine(folder, "after.json");
            await File.WriteAllTextAsync(before, dry["report"]!.ToJsonString());
            await File.WriteAllTextAsync(after, checkedNow["report"]!.ToJsonString());
            var diff = await CliRunner.RunAsync(new Dictionary<string, string?>(), "report", "--diff", before, "--against", after);
            Assert.True(diff.ExitCode == 2, diff.All);
            var block = diff.StdOut[(diff.StdOut.IndexOf($"\n{outsider}\n", StringComparison.Ordinal) + 1)..];
            Assert.True(block.Length < diff.StdOut.Length, diff.StdOut);
            Assert.Contains("  + SELECT on table in app (1): orders — granted directly\n", block[..(block.IndexOf("\n\n", StringComparison.Ordinal) + 1)]);

            // "An object that is not evidence this version reads ... gives no diff rather than an error: the new evidence still names it in previous."
            string foreign = Path.Combine(databaseFolder, "9999-put-there-by-someone-else.json");
            await File.WriteAllTextAsync(foreign, """{"formatVersion": 99, "note": "not evidence"}""");
            var again = await CliRunner.RunAsync(env, "check", "--auth", "password", "--evidence", folder);
            Assert.True(again.ExitCode is 0 or 3, again.All);
            var latest = Read(Directory.GetFiles(databaseFolder).Where(f => f != foreign).Max(StringComparer.Ordinal)!);
            Assert.Equal(foreign, latest["previous"]!.GetValue<string>());
            Assert.Null(latest["diff"]);
            Assert.Contains("since the previous evidence", again.StdErr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("ROLE_MANAGER_EVIDENCE_BUCKET", "Not_A_Bucket")]
    [InlineData("ROLE_MANAGER_EVIDENCE_PREFIX", "audit/../other/")]
    [InlineData("ROLE_MANAGER_EVIDENCE_PREFIX", "audit/*/")]
    [InlineData("ROLE_MANAGER_EVIDENCE_KMS_KEY_ARN", "alias/audit")]
    public void An_invalid_evidence_variable_is_a_config_error_that_names_it(string variable, string value)
    {
        var variables = new Dictionary<string, string?> { ["ROLE_MANAGER_EVIDENCE_BUCKET"] = "my-audit-bucket", [variable] = value };

        var error = Assert.Throws<ConfigException>(() => EvidenceTarget.FromEnvironment(variables.GetValueOrDefault));

        Assert.StartsWith(variable + ": '" + value + "'", error.Message);
        Assert.Equal("RoleManager.ConfigInvalid", error.ErrorType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Evidence_is_off_when_the_bucket_is_unset_or_empty(string? bucket) =>
        Assert.Null(EvidenceTarget.FromEnvironment(new Dictionary<string, string?> { ["ROLE_MANAGER_EVIDENCE_BUCKET"] = bucket, ["ROLE_MANAGER_EVIDENCE_PREFIX"] = "a/../b" }.GetValueOrDefault));

    /// <summary>
    /// "AWS_ENDPOINT_URL_S3 (else AWS_ENDPOINT_URL) points the S3 calls at another endpoint, with the rule the Secrets
    /// Manager override has": which variable is read shows in which one a plain-http endpoint beyond loopback is blamed on.
    /// (The S3 tests against moto reach it through AWS_ENDPOINT_URL alone.)
    /// </summary>
    [Fact]
    public async Task The_s3_endpoint_is_AWS_ENDPOINT_URL_S3_else_AWS_ENDPOINT_URL_and_plain_http_only_to_loopback()
    {
        Task<CliRunner.Result> CheckAsync(string? s3, string? general) =>
            CliRunner.RunAsync(new Dictionary<string, string?>(NoDatabase) { ["AWS_ENDPOINT_URL_S3"] = s3, ["AWS_ENDPOINT_URL"] = general }, "check", "--evidence", "s3://my-audit-bucket/");

        var s3Refused = await CheckAsync("http://10.0.0.12:4566", "https://s3.example.com");
        var generalRefused = await CheckAsync(null, "http://10.0.0.12:4566");
        var s3Wins = await CheckAsync("http://127.0.0.1:1", "http://10.0.0.12:4566");

        Assert.Equal(1, s3Refused.ExitCode);
        Assert.Contains("AWS_ENDPOINT_URL_S3 is http://", s3Refused.StdErr);
        Assert.Equal(1, generalRefused.ExitCode);
        Assert.Contains("AWS_ENDPOINT_URL is http://", generalRefused.StdErr);
        // The loopback S3 override is taken and the general one never read: the run goes on to the database (none on port 1).
        Assert.DoesNotContain("is http://", s3Wins.StdErr);
        Assert.Contains("127.0.0.1", s3Wins.StdErr);
    }

    [Fact]
    public async Task A_bad_prefix_in_the_evidence_option_is_blamed_on_the_option_not_on_a_variable_nobody_set()
    {
        var check = await CliRunner.RunAsync(NoDatabase, "check", "--evidence", "s3://my-audit-bucket/audit/*/");

        Assert.Equal(1, check.ExitCode);
        Assert.Contains("--evidence: 'audit/*/' is not a usable prefix", check.StdErr);
        Assert.DoesNotContain("ROLE_MANAGER_EVIDENCE_PREFIX", check.StdErr);
    }
}
