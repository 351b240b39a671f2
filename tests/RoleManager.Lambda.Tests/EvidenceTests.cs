using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Runtime;
using RoleManager.Testing;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// Issue #31 against moto's S3 and a real PostgreSQL: the function writes one evidence object per check and manage,
/// names who gained access outside the tool, logs the compliance line the module's metric filters read, encrypts
/// every object and leaves no secret in any of them.
/// </summary>
public sealed partial class EvidenceTests(MotoServer moto) : IClassFixture<MotoServer>
{
    // The Terraform module's metric filters (infra/): the line must carry exactly these fields at the top level.
    private const string FailedFilter = """{ $.event = "compliance" && $.outcome = "fail" }""";
    private const string GainedFilter = """{ $.event = "compliance" && $.accessGained > 0 }""";

    // Distinctive AWS credentials (moto accepts any), so the secret scan can look for them.
    private readonly string _secretKey = "sk" + Guid.NewGuid().ToString("N");
    private readonly string _sessionToken = "tok" + Guid.NewGuid().ToString("N");

    private sealed record Stack(PostgresServer Server, string Database, string Prefix, string Bucket, Dictionary<string, string?> Environment);

    private async Task<Stack> StackAsync(string? kmsKey = null, bool createBucket = true)
    {
        var server = await PostgresServer.Shared;
        string db = await server.CreateDatabaseAsync("evidence");
        string prefix = "e" + Guid.NewGuid().ToString("N")[..8];
        string bucket = "evidence-" + Guid.NewGuid().ToString("N")[..12];
        if (createBucket) await Aws("s3api", "create-bucket", "--bucket", bucket);
        string secret = JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = PostgresServer.MasterUser, ["password"] = server.MasterPassword });
        var created = await Aws("secretsmanager", "create-secret", "--name", "rds!" + prefix, "--secret-string", secret);
        var env = new Dictionary<string, string?>(moto.AwsVariables().Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)))
        {
            ["AWS_SECRET_ACCESS_KEY"] = _secretKey, ["AWS_SESSION_TOKEN"] = _sessionToken,
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = server.Port.ToString(), ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true",
            ["DB_PASSWORD_SECRET_ARN"] = JsonDocument.Parse(created).RootElement.GetProperty("ARN").GetString(),
            ["ROLE_MANAGER_CONFIG"] = $$"""
                {"database": "{{db}}", "schemas": [{"name": "app", "owner": "{{prefix}}_migrator"}],
                 "roles": [{"name": "{{prefix}}_migrator", "auth": "none"}, {"name": "{{prefix}}_app", "auth": "none", "grants": [{"schema": "app", "profile": "readwrite"}]}]}
                """,
            ["ROLE_MANAGER_EVIDENCE_BUCKET"] = bucket,
            ["ROLE_MANAGER_EVIDENCE_PREFIX"] = "audit/",
            ["ROLE_MANAGER_EVIDENCE_KMS_KEY_ARN"] = kmsKey,
        };
        return new Stack(server, db, prefix, bucket, env);
    }

    private Task<string> Aws(params string[] arguments) =>
        AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, arguments);

    private static Task<ReadOnlyMemory<byte>> InvokeAsync(IInvocationHandler function, string requestId, string action) =>
        function.HandleAsync(new Invocation(requestId, DateTimeOffset.UtcNow.AddMinutes(5), null, null, Encoding.UTF8.GetBytes($$"""{"action":"{{action}}"}""")), CancellationToken.None);

    private async Task<List<string>> KeysAsync(Stack stack)
    {
        var listed = await Aws("s3api", "list-objects-v2", "--bucket", stack.Bucket, "--prefix", $"audit/{stack.Database}/");
        if (string.IsNullOrWhiteSpace(listed)) return [];
        using var json = JsonDocument.Parse(listed);
        return json.RootElement.TryGetProperty("Contents", out var contents) ? [.. contents.EnumerateArray().Select(c => c.GetProperty("Key").GetString()!)] : [];
    }

    private async Task<JsonElement> ObjectAsync(Stack stack, string key)
    {
        string file = Path.Combine(Path.GetTempPath(), "rm-evidence-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            await Aws("s3api", "get-object", "--bucket", stack.Bucket, "--key", key, file);
            return JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static List<JsonElement> ComplianceLines(TestLogs logs) =>
        [.. logs.Lines.Where(l => l.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() == "compliance")];

    [Fact]
    public async Task Each_check_leaves_evidence_and_the_next_one_names_who_was_granted_SELECT_outside_the_tool()
    {
        var stack = await StackAsync();
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), stack.Environment.GetValueOrDefault);
        string app = stack.Prefix + "_app", migrator = stack.Prefix + "_migrator", outsider = stack.Prefix + "_outsider";

        await InvokeAsync(function, "req-manage", "manage");
        await using (var su = await stack.Server.OpenSuperuserAsync(stack.Database))
        {
            await PostgresServer.Exec(su, $"SET ROLE {migrator}; CREATE TABLE app.orders (id int); RESET ROLE");
            await PostgresServer.Exec(su, $"CREATE ROLE {outsider} LOGIN");
        }
        await stack.Server.TrustAsync(stack.Database, app, migrator);
        var first = JsonDocument.Parse((await InvokeAsync(function, "req-check-1", "check")).ToArray()).RootElement;

        // Someone grants SELECT by hand, outside the tool.
        await using (var su = await stack.Server.OpenSuperuserAsync(stack.Database))
            await PostgresServer.Exec(su, $"GRANT USAGE ON SCHEMA app TO {outsider}; GRANT SELECT ON app.orders TO {outsider}");
        var second = JsonDocument.Parse((await InvokeAsync(function, "req-check-2", "check")).ToArray()).RootElement;

        // One object per run, in time order, named <prefix><database>/<time>-<action>-<request id>.json.
        var keys = await KeysAsync(stack);
        Assert.Equal(3, keys.Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.All(keys, k => Assert.Matches(KeyPattern(), k[$"audit/{stack.Database}/".Length..]));
        Assert.EndsWith("-manage-req-manage.json", keys[0]);
        Assert.EndsWith("-check-req-check-2.json", keys[2]);

        var latest = await ObjectAsync(stack, keys[2]);
        Assert.Equal(stack.Database, latest.GetProperty("database").GetString());
        Assert.Equal("req-check-2", latest.GetProperty("requestId").GetString());
        Assert.Equal(keys[1], latest.GetProperty("previous").GetString());
        Assert.Equal("127.0.0.1", latest.GetProperty("server").GetProperty("host").GetString());
        Assert.True(latest.GetProperty("assertions").GetArrayLength() > 10);
        Assert.True(latest.GetProperty("report").GetProperty("access").GetArrayLength() > 0);
        var gained = latest.GetProperty("diff").GetProperty("gained").EnumerateArray().ToList();
        Assert.Contains(gained, l => l.GetProperty("role").GetString() == outsider && l.GetProperty("privilege").GetString() == "SELECT"
            && l.GetProperty("names").EnumerateArray().Any(n => n.GetString() == "orders"));
        Assert.Equal(second.GetProperty("passed").GetBoolean() ? "pass" : "fail", latest.GetProperty("outcome").GetString());
        var manage = await ObjectAsync(stack, keys[0]);
        Assert.Contains(manage.GetProperty("changes").GetProperty("applied").EnumerateArray(), c => c.GetProperty("sql").GetString()!.StartsWith("CREATE SCHEMA"));
        Assert.False(manage.TryGetProperty("diff", out _));

        // The compliance lines: one per run, and the metric filters' fields on the last one.
        var lines = ComplianceLines(logs);
        Assert.Equal(["manage", "check", "check"], lines.Select(l => l.GetProperty("action").GetString()));
        // docs/compliance.md: level INFO for pass and WARN for fail; failedAssertions 0 for a manage.
        Assert.All(lines, l => Assert.Equal(l.GetProperty("outcome").GetString() == "pass" ? "INFO" : "WARN", l.GetProperty("level").GetString()));
        Assert.Equal(0, lines[0].GetProperty("failedAssertions").GetInt32());
        var line = lines[^1];
        Assert.True(line.GetProperty("accessGained").GetInt32() > 0, line.ToString());
        Assert.Equal(latest.GetProperty("counts").GetProperty("accessGained").GetInt32(), line.GetProperty("accessGained").GetInt32());
        Assert.Equal(keys[2], line.GetProperty("evidenceKey").GetString());
        Assert.Equal(stack.Database, line.GetProperty("database").GetString());
        Assert.Equal(latest.GetProperty("outcome").GetString(), line.GetProperty("outcome").GetString());
        Assert.Equal(latest.GetProperty("counts").GetProperty("failedAssertions").GetInt32(), line.GetProperty("failedAssertions").GetInt32());
        Assert.True(MetricFilter.Matches(GainedFilter, line));
        Assert.Equal(line.GetProperty("outcome").GetString() == "fail", MetricFilter.Matches(FailedFilter, line));
        Assert.Equal(first.GetProperty("passed").GetBoolean(), !MetricFilter.Matches(FailedFilter, lines[1]));
        // The first check's gains are the table the migrator created (the app's default privileges); only the second names the outsider.
        var firstGained = (await ObjectAsync(stack, keys[1])).GetProperty("diff").GetProperty("gained").EnumerateArray().Select(l => l.GetProperty("role").GetString()).ToHashSet();
        Assert.DoesNotContain(outsider, firstGained);
        Assert.All(gained, l => Assert.Equal(outsider, l.GetProperty("role").GetString()));

        // Encrypted at rest (SSE-S3 without a key), and no secret in any object or in the logs.
        foreach (var key in keys)
        {
            using var head = JsonDocument.Parse(await Aws("s3api", "head-object", "--bucket", stack.Bucket, "--key", key));
            Assert.Equal("AES256", head.RootElement.GetProperty("ServerSideEncryption").GetString());
            AssertNoSecret((await ObjectAsync(stack, key)).GetRawText(), stack);
        }
        AssertNoSecret(logs.Text, stack);
    }

    [Fact]
    public async Task A_cluster_config_leaves_one_evidence_object_and_one_compliance_line_per_database()
    {
        var stack = await StackAsync();
        string second = await stack.Server.CreateDatabaseAsync("evidence2");
        string p = stack.Prefix;
        stack.Environment["ROLE_MANAGER_CONFIG"] = $$"""
            {"roles": [{"name": "{{p}}_migrator", "auth": "none"}, {"name": "{{p}}_app", "auth": "none"}],
             "databases": [
               {"name": "{{stack.Database}}", "schemas": [{"name": "app", "owner": "{{p}}_migrator"}], "roles": [{"name": "{{p}}_app", "grants": [{"schema": "app", "profile": "readwrite"}]}]},
               {"name": "{{second}}", "schemas": [{"name": "billing", "owner": "{{p}}_migrator"}], "roles": [{"name": "{{p}}_app", "grants": [{"schema": "billing", "profile": "readonly"}]}]}]}
            """;
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), stack.Environment.GetValueOrDefault);

        await InvokeAsync(function, "req-cluster-1", "manage");
        await InvokeAsync(function, "req-cluster-2", "check");

        foreach (var database in new[] { stack.Database, second })
        {
            var keys = await KeysAsync(stack with { Database = database });
            Assert.True(keys.Count == 2, $"{database}: {string.Join(", ", keys)}");
            var check = await ObjectAsync(stack, keys[1]);
            Assert.Equal(database, check.GetProperty("database").GetString());
            // Each database's own check: its assertions, and its report read from that database.
            Assert.NotEqual(0, check.GetProperty("assertions").GetArrayLength());
            Assert.Equal(database, check.GetProperty("report").GetProperty("server").GetProperty("database").GetString());
        }
        var lines = ComplianceLines(logs);
        Assert.Equal(4, lines.Count);
        Assert.Equal([stack.Database, second, stack.Database, second], lines.Select(l => l.GetProperty("database").GetString()));
        AssertNoSecret(logs.Text, stack);
    }

    [Fact]
    public async Task With_a_KMS_key_every_object_is_encrypted_with_that_key()
    {
        using var created = JsonDocument.Parse(await Aws("kms", "create-key", "--description", "evidence"));
        string keyArn = created.RootElement.GetProperty("KeyMetadata").GetProperty("Arn").GetString()!;
        var stack = await StackAsync(keyArn);
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), stack.Environment.GetValueOrDefault);

        await InvokeAsync(function, "req-kms", "manage");

        var key = Assert.Single(await KeysAsync(stack));
        using var head = JsonDocument.Parse(await Aws("s3api", "head-object", "--bucket", stack.Bucket, "--key", key));
        Assert.Equal("aws:kms", head.RootElement.GetProperty("ServerSideEncryption").GetString());
        Assert.Contains(created.RootElement.GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!, head.RootElement.GetProperty("SSEKMSKeyId").GetString());
    }

    [Fact]
    public async Task An_evidence_upload_that_fails_is_the_invocation_error_and_the_compliance_line_is_still_logged()
    {
        var stack = await StackAsync(createBucket: false);
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), stack.Environment.GetValueOrDefault);

        var error = await Assert.ThrowsAsync<RoleManager.Evidence.EvidenceException>(() => InvokeAsync(function, "req-nobucket", "manage"));

        Assert.Equal("RoleManager.EvidenceFailed", error.ErrorType);
        Assert.Contains(stack.Bucket, error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.Contains("ROLE_MANAGER_EVIDENCE_BUCKET", error.Message);
        var line = Assert.Single(ComplianceLines(logs));
        Assert.Equal("manage", line.GetProperty("action").GetString());
        Assert.Equal("", line.GetProperty("evidenceKey").GetString());
        AssertNoSecret(error.ToString() + logs.Text, stack);
    }

    [Fact]
    public async Task Without_a_bucket_the_compliance_line_is_logged_and_nothing_is_written()
    {
        var stack = await StackAsync();
        stack.Environment["ROLE_MANAGER_EVIDENCE_BUCKET"] = null;
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), stack.Environment.GetValueOrDefault);

        await InvokeAsync(function, "req-off", "manage");

        var line = Assert.Single(ComplianceLines(logs));
        Assert.Equal(("pass", 0, ""), (line.GetProperty("outcome").GetString(), line.GetProperty("accessGained").GetInt32(), line.GetProperty("evidenceKey").GetString()));
        Assert.Empty(await KeysAsync(stack));
    }

    [Fact]
    public async Task The_CLI_writes_the_same_evidence_to_s3_with_the_evidence_option()
    {
        var stack = await StackAsync();
        var env = new Dictionary<string, string?>(stack.Environment) { ["ROLE_MANAGER_EVIDENCE_BUCKET"] = null, ["ROLE_MANAGER_EVIDENCE_PREFIX"] = null };
        string config = Path.Combine(Path.GetTempPath(), $"rm-evidence-{stack.Database}.json");
        await File.WriteAllTextAsync(config, stack.Environment["ROLE_MANAGER_CONFIG"]);
        env["ROLE_MANAGER_CONFIG"] = null;

        var apply = await CliRunner.RunAsync(env, "apply", "--config", config, "--evidence", $"s3://{stack.Bucket}/audit");

        Assert.True(apply.ExitCode == 0, apply.All);
        var key = Assert.Single(await KeysAsync(stack));
        Assert.Contains($"evidence: s3://{stack.Bucket}/{key}", apply.StdErr);
        Assert.Matches(@"-manage-[0-9a-f-]{36}\.json$", key);
        var evidence = await ObjectAsync(stack, key);
        Assert.Equal("manage", evidence.GetProperty("action").GetString());
        using var head = JsonDocument.Parse(await Aws("s3api", "head-object", "--bucket", stack.Bucket, "--key", key));
        Assert.Equal("AES256", head.RootElement.GetProperty("ServerSideEncryption").GetString());
        AssertNoSecret(evidence.GetRawText() + apply.All, stack);
    }

    [Theory]
    [InlineData("not_a_bucket!", "is not an S3 bucket name")]
    [InlineData("ok-bucket", "is not a KMS key ARN", "ROLE_MANAGER_EVIDENCE_KMS_KEY_ARN", "alias/x")]
    public void Invalid_evidence_settings_fail_the_init_and_name_the_variable(string bucket, string expected, string? variable = null, string? value = null)
    {
        var env = new Dictionary<string, string?>(moto.AwsVariables().Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)))
        {
            ["ROLE_MANAGER_EVIDENCE_BUCKET"] = bucket,
        };
        if (variable is not null) env[variable] = value;
        using var logs = new TestLogs();
        var error = Assert.Throws<RoleManager.Errors.ConfigException>(() => RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), env.GetValueOrDefault));
        Assert.Contains(expected, error.Message);
    }

    private void AssertNoSecret(string text, Stack stack)
    {
        foreach (var secret in new[] { stack.Server.MasterPassword, _secretKey, _sessionToken })
            Assert.DoesNotContain(secret, text);
        Assert.DoesNotContain("Password=", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("postgresql://", text, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-(manage|check)-req-[a-z0-9-]+\.json$")]
    private static partial Regex KeyPattern();
}
