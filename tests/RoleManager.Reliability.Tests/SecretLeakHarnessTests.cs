using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using RoleManager.Lambda.Runtime;
using RoleManager.Testing;
using Xunit.Abstractions;

namespace RoleManager.Reliability.Tests;

/// <summary>
/// One harness for every output: each CLI command (plan, apply, check, inspect; text and JSON; success and
/// failure: wrong password, unreachable server, bad config) and each Lambda action through the published
/// <c>bootstrap</c> (manage, plan, check, a bad event, a missing secret). Every stdout, stderr, log line and
/// result is scanned for the master password, the login roles' passwords, any IAM token (<c>X-Amz-Signature</c>)
/// and any password-bearing connection string: zero hits.
/// </summary>
public sealed partial class SecretLeakHarnessTests(MotoServer moto, ITestOutputHelper output) : IClassFixture<MotoServer>
{
    private const string WrongPassword = "wrong-master-Pw-7731";

    [GeneratedRegex(@"(?i)(password|pwd)\s*=\s*[^;\s'""]+|postgres(ql)?://[^:/\s]+:[^@\s]+@|X-Amz-Signature|X-Amz-Credential|SCRAM-SHA-256\$")]
    private static partial Regex SecretShapes();

    private static void Scan(string where, string text, IEnumerable<string> secrets, List<string> hits)
    {
        foreach (var secret in secrets.Where(s => s.Length > 0))
            if (text.Contains(secret, StringComparison.Ordinal)) hits.Add($"{where}: contains the secret \"{secret[..3]}…\"");
        foreach (Match m in SecretShapes().Matches(text))
            hits.Add($"{where}: password-bearing text \"{m.Value[..Math.Min(m.Value.Length, 20)]}…\"");
    }

    [Fact]
    public async Task No_cli_command_prints_a_password_token_or_connection_string()
    {
        var db = await TestDatabase.CreateAsync();
        await db.SeedExistingObjectsAsync();
        string config = await db.WriteRichConfigAsync();
        string badConfig = Path.Combine(Path.GetTempPath(), $"rm-bad-{db.Name}.yaml");
        await File.WriteAllTextAsync(badConfig, $"database: {db.Name}\nroles: [{{ name: pg_{db.Prefix}, auth: password, password_env: APP_PASSWORD }}]\n");
        string[] secrets = [db.Server.MasterPassword, db.AppPassword, db.MigratorPassword, db.ReportingPassword, WrongPassword, db.Server.SuperPassword];
        var env = CliEnvironment.Master(db);
        var wrong = new Dictionary<string, string?>(env) { ["PGPASSWORD"] = WrongPassword };
        var unreachable = new Dictionary<string, string?>(env) { ["PGPORT"] = PostgresServer.FreePort().ToString() };
        var viaUrl = new Dictionary<string, string?>(env);
        viaUrl.Remove("PGPASSWORD");

        var runs = new List<(string Name, IDictionary<string, string?> Env, string[] Args)>();
        foreach (var output in new[] { "text", "json" })
        {
            runs.Add(($"plan ({output})", env, ["plan", "--config", config, "--output", output]));
            runs.Add(($"apply --dry-run ({output})", env, ["apply", "--config", config, "--dry-run", "--output", output]));
            runs.Add(($"apply ({output})", env, ["apply", "--config", config, "--output", output]));
            runs.Add(($"check ({output})", env, ["check", "--config", config, "--output", output]));
            runs.Add(($"inspect ({output})", env, ["inspect", "--config", config, "--output", output]));
            foreach (var command in new[] { "plan", "apply", "check", "inspect" })
            {
                runs.Add(($"{command} wrong password ({output})", wrong, [command, "--config", config, "--output", output]));
                runs.Add(($"{command} unreachable ({output})", unreachable, [command, "--config", config, "--output", output]));
                runs.Add(($"{command} bad config ({output})", env, [command, "--config", badConfig, "--output", output]));
            }
        }
        // A password given inside a connection URL and a wrong one inside a key/value connection string.
        runs.Add(("plan --connection url", viaUrl, ["plan", "--config", config, "--connection", $"postgresql://{PostgresServer.MasterUser}:{db.Server.MasterPassword}@127.0.0.1:{db.Server.Port}/{db.Name}?sslmode=disable"]));
        runs.Add(("plan --connection wrong", viaUrl, ["plan", "--config", config, "--connection", $"Host=127.0.0.1;Port={db.Server.Port};Username={PostgresServer.MasterUser};Password={WrongPassword};Database={db.Name};SSL Mode=Disable"]));
        // An internal failure path with details switched on must still not print secrets.
        runs.Add(("check wrong password debug", new Dictionary<string, string?>(wrong) { ["ROLE_MANAGER_DEBUG"] = "1" }, ["check", "--config", config]));

        var hits = new List<string>();
        var exits = new List<string>();
        foreach (var (name, environment, args) in runs)
        {
            var result = await CliRunner.RunAsync(environment, args);
            exits.Add($"{name}: {result.ExitCode}");
            Scan(name + " stdout", result.StdOut, secrets, hits);
            Scan(name + " stderr", result.StdErr, secrets, hits);
        }
        output.WriteLine($"{runs.Count} CLI runs scanned:\n" + string.Join("\n", exits));
        Assert.True(hits.Count == 0, string.Join("\n", hits));
        // The runs did exercise both paths.
        Assert.Contains(exits, e => e.StartsWith("apply (text)") && e.EndsWith(": 0"));
        Assert.Contains(exits, e => e.StartsWith("check (json)") && e.EndsWith(": 0"));
        Assert.Contains(exits, e => e.StartsWith("plan wrong password (text)") && e.EndsWith(": 1"));
    }

    [Fact]
    public async Task No_lambda_action_logs_or_returns_a_password_token_or_connection_string()
    {
        var server = await PostgresServer.Shared;
        var db = await TestDatabase.CreateAsync(server);
        await db.SeedExistingObjectsAsync();
        string secretJson = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["username"] = PostgresServer.MasterUser, ["password"] = server.MasterPassword, ["engine"] = "postgres", ["host"] = "127.0.0.1", ["port"] = server.Port,
        });
        string created = await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "secretsmanager", "create-secret", "--name", "rds!" + db.Prefix, "--secret-string", secretJson);
        string arn = JsonDocument.Parse(created).RootElement.GetProperty("ARN").GetString()!;
        string[] secrets = [server.MasterPassword, db.AppPassword, db.MigratorPassword, db.ReportingPassword, server.SuperPassword];

        Dictionary<string, string> Environment(FakeRuntimeApi api, string secretArn) => new(moto.AwsVariables())
        {
            [RuntimeApiClient.EnvironmentVariable] = api.Address,
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = server.Port.ToString(), ["DB_NAME"] = db.Name, ["DB_USER"] = PostgresServer.MasterUser,
            ["DB_PASSWORD_SECRET_ARN"] = secretArn, ["ROLE_MANAGER_CONFIG"] = db.RichConfigYaml, ["ROLE_MANAGER_AUTH"] = "password",
            ["APP_PASSWORD"] = db.AppPassword, ["MIGRATOR_PASSWORD"] = db.MigratorPassword, ["REPORTING_PASSWORD"] = db.ReportingPassword,
            ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true", ["ROLE_MANAGER_ALLOW_EVENT_CONFIG"] = "true",
        };

        var hits = new List<string>();
        var kinds = new List<string>();
        // 1. The happy path: every action, a dry run, a config in the event, and bad events, on one warm process.
        await using (var api = new FakeRuntimeApi())
        {
            var bootstrap = StartBootstrap(Environment(api, arn));
            foreach (var evt in new[]
            {
                "\"plan\"", """{"action":"manage","dryRun":true}""", "\"manage\"", "\"check\"", """{"action":"plan"}""",
                "{not json", """{"action":"destroy"}""", $$$"""{"action":"plan","config":{"database":"{{{db.Name}}}","roles":[{"name":"pg_x","auth":"password","password_env":"APP_PASSWORD"}]}}""",
            })
            {
                api.Enqueue(evt);
                var result = await api.NextResultAsync(TimeSpan.FromSeconds(90));
                kinds.Add($"{evt[..Math.Min(evt.Length, 30)]} → {result.Kind} {result.ErrorTypeHeader}");
                Scan("result of " + evt, result.Body, secrets, hits);
            }
            Scan("bootstrap output", await StopAsync(bootstrap), secrets, hits);
        }
        // 2. A missing secret, and 3. a secret holding a wrong password.
        string wrongArn = JsonDocument.Parse(await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "secretsmanager", "create-secret", "--name", "rds-wrong!" + db.Prefix,
            "--secret-string", secretJson.Replace(server.MasterPassword, WrongPassword))).RootElement.GetProperty("ARN").GetString()!;
        foreach (var (name, secretArn) in new[] { ("missing secret", arn.Replace(db.Prefix, "gone" + db.Prefix)), ("wrong password", wrongArn) })
        {
            await using var api = new FakeRuntimeApi();
            var bootstrap = StartBootstrap(Environment(api, secretArn));
            foreach (var evt in new[] { "\"manage\"", "\"check\"" })
            {
                api.Enqueue(evt);
                var result = await api.NextResultAsync(TimeSpan.FromSeconds(90));
                kinds.Add($"{name} {evt} → {result.Kind} {result.ErrorTypeHeader}");
                Scan($"{name} result", result.Body, [.. secrets, WrongPassword], hits);
            }
            Scan($"{name} bootstrap output", await StopAsync(bootstrap), [.. secrets, WrongPassword], hits);
        }
        output.WriteLine(string.Join("\n", kinds));
        Assert.True(hits.Count == 0, string.Join("\n", hits));
        Assert.Contains(kinds, k => k.StartsWith("\"check\"") && k.Contains("Response"));
        Assert.Contains(kinds, k => k.StartsWith("missing secret") && k.Contains("RoleManager.AwsFailed"));
        Assert.Contains(kinds, k => k.StartsWith("wrong password") && k.Contains("RoleManager.ConnectionFailed"));
    }

    private static (Process Process, Task<string> StdOut, Task<string> StdErr) StartBootstrap(IReadOnlyDictionary<string, string> environment)
    {
        string path = Path.Combine(RepositoryRoot.Path, "artifacts", "lambda", "bootstrap");
        Assert.True(File.Exists(path), $"{path} is missing: run bin/build-lambda-zip first.");
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "AWS_PROFILE" }) start.Environment.Remove(name);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        var process = Process.Start(start)!;
        return (process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }

    private static async Task<string> StopAsync((Process Process, Task<string> StdOut, Task<string> StdErr) bootstrap)
    {
        if (!bootstrap.Process.HasExited) bootstrap.Process.Kill();
        await bootstrap.Process.WaitForExitAsync();
        string text = await bootstrap.StdOut + await bootstrap.StdErr;
        bootstrap.Process.Dispose();
        return text;
    }
}
