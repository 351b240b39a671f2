using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using RoleManager.Lambda.Runtime;
using RoleManager.Testing;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// The published Native AOT <c>bootstrap</c> as a real process, against the loopback Runtime API, moto's
/// Secrets Manager holding the master secret as RDS writes it, and a real PostgreSQL set up like RDS.
/// Every line the process writes and every result is scanned for the secrets.
/// </summary>
public sealed class BootstrapEndToEndTests : IClassFixture<MotoServer>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly MotoServer _moto;

    public BootstrapEndToEndTests(MotoServer moto) => _moto = moto;

    private sealed record Stack(PostgresServer Server, string Database, string Prefix, string SecretArn)
    {
        public string App => Prefix + "_app";
        public string Migrator => Prefix + "_migrator";
        public string AppPassword => "app-pw-" + Prefix;
        public string MigratorPassword => "mig-pw-" + Prefix;
    }

    private async Task<Stack> StackAsync(string? masterPassword = null)
    {
        var server = await PostgresServer.Shared;
        string db = await server.CreateDatabaseAsync("lambda");
        string prefix = "l" + Guid.NewGuid().ToString("N")[..8];
        string secret = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["username"] = PostgresServer.MasterUser, ["password"] = masterPassword ?? server.MasterPassword,
            ["engine"] = "postgres", ["host"] = "127.0.0.1", ["port"] = server.Port,
        });
        string output = await AwsCli.RunAsync(_moto, MotoServer.DefaultRegion, null, "secretsmanager", "create-secret", "--name", "rds!" + prefix, "--secret-string", secret);
        string arn = JsonDocument.Parse(output).RootElement.GetProperty("ARN").GetString()!;
        return new Stack(server, db, prefix, arn);
    }

    private Dictionary<string, string> Environment(Stack stack, FakeRuntimeApi api)
    {
        var env = new Dictionary<string, string>(_moto.AwsVariables())
        {
            [RuntimeApiClient.EnvironmentVariable] = api.Address,
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = stack.Server.Port.ToString(), ["DB_NAME"] = stack.Database,
            ["DB_USER"] = PostgresServer.MasterUser, ["DB_PASSWORD_SECRET_ARN"] = stack.SecretArn,
            ["APP_USER"] = stack.App, ["MIGRATOR_USER"] = stack.Migrator,
            // A local server has no rds_iam and no TLS: both are opted out of explicitly.
            ["ROLE_MANAGER_AUTH"] = "password", ["APP_PASSWORD"] = stack.AppPassword, ["MIGRATOR_PASSWORD"] = stack.MigratorPassword,
            ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true", ["ROLE_MANAGER_ALLOW_EVENT_CONFIG"] = "true",
        };
        return env;
    }

    private sealed class Bootstrap : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout, _stderr;

        public Bootstrap(IReadOnlyDictionary<string, string> environment)
        {
            var start = new ProcessStartInfo(RepositoryFiles.PublishedBootstrap()) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "AWS_PROFILE" }) start.Environment.Remove(name);
            foreach (var (k, v) in environment) start.Environment[k] = v;
            _process = Process.Start(start)!;
            _stdout = _process.StandardOutput.ReadToEndAsync();
            _stderr = _process.StandardError.ReadToEndAsync();
        }

        public async Task<string> OutputAsync()
        {
            if (!_process.HasExited) _process.Kill();
            await _process.WaitForExitAsync();
            return await _stdout + await _stderr;
        }

        public async ValueTask DisposeAsync() => await OutputAsync();
    }

    private static void AssertNoSecret(string text, params string[] secrets)
    {
        foreach (var secret in secrets) Assert.DoesNotContain(secret, text);
    }

    [Fact]
    public async Task Manage_then_plan_then_check_succeed_and_a_warm_start_reuses_the_cached_secret()
    {
        var stack = await StackAsync();
        await using var api = new FakeRuntimeApi();
        var bootstrap = new Bootstrap(Environment(stack, api));

        api.Enqueue("\"manage\"");
        var manage = await api.NextResultAsync(Wait);
        Assert.True(manage.Kind == RuntimeResultKind.Response, manage.Body);
        using (var json = JsonDocument.Parse(manage.Body))
        {
            Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
            Assert.Contains(json.RootElement.GetProperty("changes").EnumerateArray(), c => c.GetProperty("sql").GetString()!.StartsWith("CREATE SCHEMA"));
            Assert.Contains(json.RootElement.GetProperty("roles").EnumerateArray(), r => r.GetProperty("name").GetString() == stack.App);
        }

        // The secret is gone from Secrets Manager now: a warm start must not need it again.
        await AwsCli.RunAsync(_moto, MotoServer.DefaultRegion, null, "secretsmanager", "delete-secret", "--secret-id", stack.SecretArn, "--force-delete-without-recovery");

        api.Enqueue("\"plan\"");
        var plan = await api.NextResultAsync(Wait);
        Assert.True(plan.Kind == RuntimeResultKind.Response, plan.Body);
        using (var json = JsonDocument.Parse(plan.Body))
            Assert.Equal(0, json.RootElement.GetProperty("changes").GetArrayLength());

        api.Enqueue("""{"action":"check"}""");
        var check = await api.NextResultAsync(Wait);
        Assert.True(check.Kind == RuntimeResultKind.Response, check.Body);
        using (var json = JsonDocument.Parse(check.Body))
        {
            Assert.True(json.RootElement.GetProperty("passed").GetBoolean(), check.Body);
            Assert.True(json.RootElement.GetProperty("assertions").GetArrayLength() >= 20);
        }
        // The invoke scripts (bin/*-database-roles) read these results: the fields they name exist in them.
        InvokeScriptFields.AssertReadable(check.Body, manage.Body);

        api.Enqueue("{not json");
        var malformed = await api.NextResultAsync(Wait);
        Assert.Equal((RuntimeResultKind.Error, "RoleManager.EventInvalid"), (malformed.Kind, malformed.ErrorTypeHeader));
        api.Enqueue("""{"action":"destroy"}""");
        var unknown = await api.NextResultAsync(Wait);
        Assert.Equal((RuntimeResultKind.Error, "RoleManager.EventInvalid"), (unknown.Kind, unknown.ErrorTypeHeader));

        string output = await bootstrap.OutputAsync();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        AssertNoSecret(output + string.Join("", api.Recorded.Select(r => r.Body)), stack.Server.MasterPassword, stack.AppPassword, stack.MigratorPassword, MotoServer.SecretAccessKey + "/");
    }

    [Fact]
    public async Task A_dry_run_manage_reports_the_changes_and_leaves_the_database_unchanged()
    {
        var stack = await StackAsync();
        await using var api = new FakeRuntimeApi();
        await using var bootstrap = new Bootstrap(Environment(stack, api));
        api.Enqueue("""{"action":"manage","dryRun":true}""");
        var result = await api.NextResultAsync(Wait);
        Assert.True(result.Kind == RuntimeResultKind.Response, result.Body);
        using var json = JsonDocument.Parse(result.Body);
        Assert.True(json.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.False(json.RootElement.GetProperty("changed").GetBoolean());
        await using var conn = await stack.Server.OpenSuperuserAsync(stack.Database);
        Assert.False(await PostgresServer.Scalar<bool>(conn, $"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{stack.App}')"));
    }

    [Fact]
    public async Task A_config_in_the_event_is_validated_before_any_connection()
    {
        var stack = await StackAsync();
        await using var api = new FakeRuntimeApi();
        await using var bootstrap = new Bootstrap(Environment(stack, api));
        api.Enqueue("""{"action":"plan","config":{"roles":[{"name":"pg_evil","auth":"none"}]}}""");
        var result = await api.NextResultAsync(Wait);
        Assert.Equal((RuntimeResultKind.Error, "RoleManager.ConfigInvalid"), (result.Kind, result.ErrorTypeHeader));
        Assert.Contains("names starting with pg_ belong to PostgreSQL", result.Body);
    }

    [Fact]
    public async Task A_missing_secret_is_a_function_error_naming_the_variable()
    {
        var stack = await StackAsync();
        await using var api = new FakeRuntimeApi();
        var env = Environment(stack, api);
        env["DB_PASSWORD_SECRET_ARN"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:does-not-exist-AbCdEf";
        await using var bootstrap = new Bootstrap(env);
        api.Enqueue("\"plan\"");
        var result = await api.NextResultAsync(Wait);
        Assert.Equal((RuntimeResultKind.Error, "RoleManager.AwsFailed"), (result.Kind, result.ErrorTypeHeader));
        Assert.Contains("DB_PASSWORD_SECRET_ARN", result.Body);
    }

    [Fact]
    public async Task A_wrong_master_password_is_a_connection_error_that_never_shows_the_password()
    {
        var stack = await StackAsync(masterPassword: "wrong-master-password-42");
        await using var api = new FakeRuntimeApi();
        var bootstrap = new Bootstrap(Environment(stack, api));
        api.Enqueue("\"manage\"");
        var result = await api.NextResultAsync(Wait);
        Assert.Equal((RuntimeResultKind.Error, "RoleManager.ConnectionFailed"), (result.Kind, result.ErrorTypeHeader));
        Assert.Contains("28P01", result.Body);
        AssertNoSecret(await bootstrap.OutputAsync() + result.Body, "wrong-master-password-42", stack.Server.MasterPassword);
    }

    [Fact]
    public async Task An_unreachable_database_is_a_clear_error()
    {
        var stack = await StackAsync();
        await using var api = new FakeRuntimeApi();
        var env = Environment(stack, api);
        env["DB_PORT"] = PostgresServer.FreePort().ToString();
        await using var bootstrap = new Bootstrap(env);
        api.Enqueue("\"check\"");
        var result = await api.NextResultAsync(Wait);
        Assert.Equal((RuntimeResultKind.Error, "RoleManager.ConnectionFailed"), (result.Kind, result.ErrorTypeHeader));
        Assert.Contains("Cannot reach PostgreSQL", result.Body);
    }

    [Fact]
    public async Task A_database_that_never_answers_fails_before_the_invocation_deadline()
    {
        var stack = await StackAsync();
        using var silent = new TcpListener(IPAddress.Loopback, 0); // accepts, never speaks
        silent.Start();
        await using var api = new FakeRuntimeApi();
        var env = Environment(stack, api);
        env["DB_PORT"] = ((IPEndPoint)silent.LocalEndpoint).Port.ToString();
        await using var bootstrap = new Bootstrap(env);
        var clock = Stopwatch.StartNew();
        api.Enqueue("\"plan\"", timeout: TimeSpan.FromSeconds(8));
        var result = await api.NextResultAsync(Wait);
        Assert.Equal(RuntimeResultKind.Error, result.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"answered after {clock.Elapsed.TotalSeconds:0.0} s, past the 8 s deadline");
        Assert.Contains(result.ErrorTypeHeader, new[] { "RoleManager.ConnectionFailed", LambdaError.TimeoutErrorType });
    }
}
