using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Npgsql;
using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Rotation;
using RoleManager.Lambda.Runtime;
using RoleManager.Testing;

namespace RoleManager.Lambda.Tests;

/// <summary>The rotation protocol through the function's own dispatch, against moto and a real PostgreSQL.</summary>
public sealed class RotationTests(MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private const string Region = "eu-west-3";
    private const string First = "rotation-first-Pw-4kT9";
    private readonly TestLogs _logs = new();
    private readonly List<string> _output = new();

    public void Dispose() => _logs.Dispose();

    private sealed record Setup(PostgresServer Server, string Database, string Role, string SecretArn, Dictionary<string, string> Environment);

    /// <param name="firstDatabase">A cluster config whose first database is this one, where the role is not listed (so it has
    /// no CONNECT there), and whose second is the role's own; null: the one-database config.</param>
    private async Task<Setup> SetUpAsync(string? firstValue = null, string? firstDatabase = null)
    {
        var server = await PostgresServer.Shared;
        string database = await server.CreateDatabaseAsync("rot");
        string role = database + "_reporting";
        string arn = (await AwsCli.RunAsync(moto, Region, null, "secretsmanager", "create-secret", "--name", "rot/" + database,
            "--secret-string", firstValue ?? $$"""{"username":"{{role}}","password":"{{First}}"}""", "--query", "ARN", "--output", "text")).Trim();
        var env = new Dictionary<string, string>(moto.AwsVariables(Region))
        {
            ["PGHOST"] = "127.0.0.1", ["PGPORT"] = server.Port.ToString(), ["PGUSER"] = PostgresServer.MasterUser,
            ["PGPASSWORD"] = server.MasterPassword, ["PGDATABASE"] = database, ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true",
            ["ROLE_MANAGER_CONFIG"] = firstDatabase is null
                ? $"{{\"database\": \"{database}\", \"roles\": [{{\"name\": \"{role}\", \"auth\": \"password\", \"password_secret\": \"{arn}\", \"database_privileges\": [\"connect\"]}}]}}"
                : $"{{\"roles\": [{{\"name\": \"{role}\", \"auth\": \"password\", \"password_secret\": \"{arn}\"}}], " +
                  $"\"databases\": [{{\"name\": \"{firstDatabase}\"}}, {{\"name\": \"{database}\", \"roles\": [{{\"name\": \"{role}\", \"database_privileges\": [\"connect\"]}}]}}]}}",
        };
        return new Setup(server, database, role, arn, env);
    }

    private async Task<string> InvokeAsync(Setup setup, string payload)
    {
        var function = RoleManagerFunction.Create(new HostServices(_logs.Provider, _logs.Redactor, TimeProvider.System), name => setup.Environment.GetValueOrDefault(name));
        var answer = await function.HandleAsync(new Invocation("req-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow.AddMinutes(5), null, null, Encoding.UTF8.GetBytes(payload)), CancellationToken.None);
        var text = Encoding.UTF8.GetString(answer.Span);
        _output.Add(text);
        return text;
    }

    /// <summary>
    /// Starts a rotation as Secrets Manager does (RotateSecret with a rotation function and a schedule): it enables
    /// rotation and stages the token as AWSPENDING on a version with no value yet, then invokes the function. moto has no
    /// function of that ARN to invoke (it runs no Lambda here), so its RotateSecret answers ResourceNotFound after the
    /// staging; the test then plays Secrets Manager's part and invokes each step with that token.
    /// </summary>
    private async Task<string> StartRotationAsync(Setup setup)
    {
        string token = Guid.NewGuid().ToString();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AwsCli.RunAsync(moto, Region, null, "secretsmanager", "rotate-secret",
            "--secret-id", setup.SecretArn, "--client-request-token", token, "--rotation-rules", "AutomaticallyAfterDays=30",
            "--rotation-lambda-arn", $"arn:aws:lambda:{Region}:123456789012:function:role-manager-rotation"));
        Assert.Contains("ResourceNotFound", refused.Message);
        using var described = JsonDocument.Parse(await AwsCli.RunAsync(moto, Region, null, "secretsmanager", "describe-secret", "--secret-id", setup.SecretArn));
        Assert.True(described.RootElement.GetProperty("RotationEnabled").GetBoolean());
        Assert.Equal(["AWSPENDING"], described.RootElement.GetProperty("VersionIdsToStages").GetProperty(token).EnumerateArray().Select(x => x.GetString()));
        return token;
    }

    private static string Step(string step, Setup setup, string token) =>
        $$"""{"Step": "{{step}}", "SecretId": "{{setup.SecretArn}}", "ClientRequestToken": "{{token}}"}""";

    private static async Task<string?> LoginAsync(Setup setup, string password)
    {
        try
        {
            await using var connection = new NpgsqlConnection(setup.Server.ConnectionString(setup.Database, setup.Role, password));
            await connection.OpenAsync();
            return null;
        }
        catch (PostgresException ex) { return ex.SqlState; }
    }

    private async Task<JsonElement> SecretAsync(Setup setup, string stage = "AWSCURRENT")
    {
        using var answer = JsonDocument.Parse(await AwsCli.RunAsync(moto, Region, null, "secretsmanager", "get-secret-value", "--secret-id", setup.SecretArn, "--version-stage", stage));
        return answer.RootElement.Clone();
    }

    private static string PasswordIn(JsonElement secret)
    {
        var text = secret.GetProperty("SecretString").GetString()!;
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("password").GetString()!;
    }

    private async Task AssertConvergedAsync(Setup setup)
    {
        using var plan = JsonDocument.Parse(await InvokeAsync(setup, "\"plan\""));
        var databases = plan.RootElement.TryGetProperty("databases", out var list) ? list.EnumerateArray().ToList() : [plan.RootElement];
        Assert.All(databases, d => Assert.Equal(0, d.GetProperty("changes").GetArrayLength()));
    }

    private void AssertNoneOf(params string[] passwords)
    {
        foreach (var password in passwords)
        {
            Assert.DoesNotContain(password, _logs.Text);
            foreach (var text in _output) Assert.DoesNotContain(password, text);
        }
    }

    [Fact]
    public Task A_full_four_step_rotation_gives_the_role_a_new_password_that_logs_in_and_the_plan_is_empty() =>
        FullRotationAsync(firstDatabase: null);

    /// <summary>
    /// Issue 28: with a cluster config the password is cluster-wide, so setSecret may run in any database, but testSecret's
    /// login must go to a database the role may connect to: here the config's first database does not list the role.
    /// </summary>
    [Fact]
    public async Task With_a_cluster_config_a_rotation_tests_the_new_password_in_a_database_the_role_may_connect_to()
    {
        var server = await PostgresServer.Shared;
        await FullRotationAsync(firstDatabase: await server.CreateDatabaseAsync("rotfirst"));
    }

    private async Task FullRotationAsync(string? firstDatabase)
    {
        var setup = await SetUpAsync(firstDatabase: firstDatabase);
        await InvokeAsync(setup, "\"manage\"");
        Assert.Null(await LoginAsync(setup, First));
        string token = await StartRotationAsync(setup);

        await InvokeAsync(setup, Step("createSecret", setup, token));
        var pending = await SecretAsync(setup, "AWSPENDING");
        Assert.Equal(token, pending.GetProperty("VersionId").GetString());
        string rotated = PasswordIn(pending);
        Assert.NotEqual(First, rotated);
        Assert.Equal(SecretRotation.PasswordLength, rotated.Length);
        await InvokeAsync(setup, Step("createSecret", setup, token)); // Secrets Manager retries: same token, same value
        Assert.Equal(rotated, PasswordIn(await SecretAsync(setup, "AWSPENDING")));

        await InvokeAsync(setup, Step("setSecret", setup, token));
        Assert.Null(await LoginAsync(setup, rotated));
        await InvokeAsync(setup, Step("testSecret", setup, token));
        var finish = await InvokeAsync(setup, Step("finishSecret", setup, token));
        Assert.Contains($"to {token}", finish);

        var current = await SecretAsync(setup);
        Assert.Equal(token, current.GetProperty("VersionId").GetString());
        Assert.Equal(rotated, PasswordIn(current));
        using (var document = JsonDocument.Parse(current.GetProperty("SecretString").GetString()!))
            Assert.Equal(setup.Role, document.RootElement.GetProperty("username").GetString()); // other keys kept
        Assert.Equal("28P01", await LoginAsync(setup, First));
        Assert.Null(await LoginAsync(setup, rotated));
        await AssertConvergedAsync(setup);
        AssertNoneOf(First, rotated, setup.Server.MasterPassword);
    }

    /// <summary>
    /// Issue 29: rotation built and ran its plan in the host with a null logger, so the password change was in no
    /// transcript. It now goes through the engine's transaction owner and executor with the function's logger.
    /// </summary>
    [Fact]
    public async Task The_setSecret_step_logs_its_statement_like_any_run_under_the_advisory_lock_with_the_password_masked()
    {
        var setup = await SetUpAsync();
        await InvokeAsync(setup, "\"manage\"");
        string token = await StartRotationAsync(setup);
        await InvokeAsync(setup, Step("createSecret", setup, token));
        string rotated = PasswordIn(await SecretAsync(setup, "AWSPENDING"));

        int before = _logs.Lines.Count;
        await InvokeAsync(setup, Step("setSecret", setup, token));
        var messages = _logs.Lines.Skip(before).Select(line => line.GetProperty("message").GetString()!).ToList();

        Assert.Contains(messages, m => m.StartsWith("begin Commit", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("advisory lock", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("execute 1/2 SetPassword", StringComparison.Ordinal)
            && m.Contains($"ALTER ROLE \"{setup.Role}\" PASSWORD '********'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("execute 2/2 SetPassword", StringComparison.Ordinal) && m.Contains(token, StringComparison.Ordinal));
        Assert.Contains("commit", messages);
        Assert.Null(await LoginAsync(setup, rotated));
        AssertNoneOf(First, rotated, setup.Server.MasterPassword);
        Assert.DoesNotContain("SCRAM-SHA-256$", _logs.Text);
    }

    private static readonly string[] Steps = ["createSecret", "setSecret", "testSecret", "finishSecret"];

    /// <summary>Each version of the secret with its labels and value, the role's password marker, and whether the first password logs in.</summary>
    private async Task<string> StateAsync(Setup setup)
    {
        using var listed = JsonDocument.Parse(await AwsCli.RunAsync(moto, Region, null, "secretsmanager", "list-secret-version-ids", "--secret-id", setup.SecretArn, "--include-deprecated"));
        var versions = new List<string>();
        foreach (var version in listed.RootElement.GetProperty("Versions").EnumerateArray())
        {
            string id = version.GetProperty("VersionId").GetString()!;
            var stages = version.TryGetProperty("VersionStages", out var s) ? s.EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal).ToList() : [];
            versions.Add($"{id} [{string.Join(",", stages)}]");
        }
        await using var master = await setup.Server.OpenMasterAsync(setup.Database);
        string marker = await PostgresServer.Scalar<string>(master, $"SELECT coalesce(shobj_description(oid, 'pg_authid'), '-') FROM pg_roles WHERE rolname = '{setup.Role}'");
        return $"{string.Join("; ", versions.Order(StringComparer.Ordinal))} | marker {marker} | first password: {await LoginAsync(setup, First) ?? "logs in"}";
    }

    [Fact]
    public async Task A_token_secrets_manager_never_staged_is_refused_at_every_step_and_nothing_changes()
    {
        var setup = await SetUpAsync();
        await InvokeAsync(setup, "\"manage\"");
        await StartRotationAsync(setup); // rotation enabled and under way: only its own token may act
        string before = await StateAsync(setup);
        string forged = Guid.NewGuid().ToString();
        foreach (var step in Steps)
        {
            var error = await Assert.ThrowsAsync<RotationRefusedException>(() => InvokeAsync(setup, Step(step, setup, forged)));
            Assert.Equal("RoleManager.RotationRefused", error.ErrorType);
            Assert.Contains($"Version {forged} is not a version of secret", error.Message);
        }
        Assert.Equal(before, await StateAsync(setup));
    }

    [Fact]
    public async Task The_current_versions_token_is_refused_by_createSecret_setSecret_and_testSecret_and_finishSecret_does_nothing()
    {
        var setup = await SetUpAsync();
        await InvokeAsync(setup, "\"manage\"");
        await StartRotationAsync(setup);
        string current = (await SecretAsync(setup)).GetProperty("VersionId").GetString()!;
        string before = await StateAsync(setup);
        foreach (var step in Steps[..3])
            Assert.Contains("not AWSPENDING", (await Assert.ThrowsAsync<RotationRefusedException>(() => InvokeAsync(setup, Step(step, setup, current)))).Message);
        Assert.Contains("already AWSCURRENT: nothing to do", await InvokeAsync(setup, Step("finishSecret", setup, current)));
        Assert.Equal(before, await StateAsync(setup));
    }

    [Fact]
    public async Task A_secret_whose_rotation_is_not_enabled_is_refused_even_with_an_AWSPENDING_token_and_the_role_keeps_its_password()
    {
        var setup = await SetUpAsync();
        await InvokeAsync(setup, "\"manage\"");
        // Whoever may write the secret (but not the database) puts a password of its choosing as AWSPENDING; no rotation is configured.
        string token = Guid.NewGuid().ToString();
        await AwsCli.RunAsync(moto, Region, null, "secretsmanager", "put-secret-value", "--secret-id", setup.SecretArn, "--client-request-token", token,
            "--secret-string", $$"""{"username":"{{setup.Role}}","password":"planted-Pw-77x"}""", "--version-stages", "AWSPENDING");
        string before = await StateAsync(setup);
        foreach (var step in Steps)
            Assert.Contains("Rotation is not enabled on secret", (await Assert.ThrowsAsync<RotationRefusedException>(() => InvokeAsync(setup, Step(step, setup, token)))).Message);
        Assert.Equal(before, await StateAsync(setup));
        Assert.Equal("28P01", await LoginAsync(setup, "planted-Pw-77x"));
    }

    [Fact]
    public async Task A_secret_that_no_declared_role_names_is_refused_and_left_unchanged()
    {
        var setup = await SetUpAsync();
        string other = (await AwsCli.RunAsync(moto, Region, null, "secretsmanager", "create-secret", "--name", "rot/other/" + setup.Database,
            "--secret-string", "{\"password\":\"not-ours-Pw-1\"}", "--query", "ARN", "--output", "text")).Trim();

        var error = await Assert.ThrowsAsync<RotationRefusedException>(() =>
            InvokeAsync(setup, $$"""{"Step": "createSecret", "SecretId": "{{other}}", "ClientRequestToken": "{{Guid.NewGuid()}}"}"""));

        Assert.Equal("RoleManager.RotationRefused", error.ErrorType);
        Assert.Contains("is not the password_secret of any declared role", error.Message);
        var versions = await AwsCli.RunAsync(moto, Region, null, "secretsmanager", "list-secret-version-ids", "--secret-id", other);
        Assert.DoesNotContain("AWSPENDING", versions);
        Assert.DoesNotContain("not-ours-Pw-1", error.Message);
    }

    [Fact]
    public async Task A_rotation_interrupted_after_setSecret_is_completed_by_the_next_attempt()
    {
        var setup = await SetUpAsync();
        await InvokeAsync(setup, "\"manage\"");
        string token = await StartRotationAsync(setup);
        await InvokeAsync(setup, Step("createSecret", setup, token));
        await InvokeAsync(setup, Step("setSecret", setup, token));
        string rotated = PasswordIn(await SecretAsync(setup, "AWSPENDING"));
        // Interrupted here: the database has the new password, AWSCURRENT still the old one.
        // A scheduled "manage" in between puts the AWSCURRENT password back (the version marker differs)...
        await InvokeAsync(setup, "\"manage\"");
        Assert.Null(await LoginAsync(setup, First));

        // ...and Secrets Manager's next attempt repeats every step with the same token.
        foreach (var step in new[] { "createSecret", "setSecret", "testSecret", "finishSecret" })
            await InvokeAsync(setup, Step(step, setup, token));

        Assert.Equal(token, (await SecretAsync(setup)).GetProperty("VersionId").GetString());
        Assert.Null(await LoginAsync(setup, rotated));
        Assert.Equal("28P01", await LoginAsync(setup, First));
        await AssertConvergedAsync(setup);
        // finishSecret again (a retry after success) changes nothing.
        Assert.Contains("already AWSCURRENT", await InvokeAsync(setup, Step("finishSecret", setup, token)));
        AssertNoneOf(First, rotated, setup.Server.MasterPassword);
    }

    [Fact]
    public async Task A_rotation_reads_four_secret_values_and_a_converged_run_none()
    {
        var setup = await SetUpAsync("plain-First-Pw-8x");
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(), name => setup.Environment.GetValueOrDefault(name));
        var connections = new NpgsqlConnectionFactory(settings);
        var desired = LayoutSource.Resolve(new LayoutInputs(ConfigText: setup.Environment["ROLE_MANAGER_CONFIG"]), _ => null, setup.Database);
        SecretsManagerClient Client() => new(new HttpClient(), new ImmutableCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey, MotoServer.SessionToken), Region, moto.Endpoint);

        var applying = Client();
        await new RoleManager.Engine(connections).ApplyAsync(
            await RolePasswords.ResolveAsync(desired, connections, _ => null, false, null, CancellationToken.None, applying), ExecutionOptions.Default, false, CancellationToken.None);
        Assert.Equal(1, applying.Calls.GetSecretValue);

        var rotating = Client();
        var rotation = new SecretRotation(rotating, connections, desired, ExecutionOptions.Default);
        string token = await StartRotationAsync(setup);
        foreach (var step in new[] { RotationStep.CreateSecret, RotationStep.SetSecret, RotationStep.TestSecret, RotationStep.FinishSecret })
            await rotation.RunAsync(new RotationEvent(step, setup.SecretArn, token), CancellationToken.None);
        // createSecret: is there an AWSPENDING value yet? + the AWSCURRENT value to copy; setSecret and testSecret: the AWSPENDING value.
        Assert.Equal(4, rotating.Calls.GetSecretValue);
        Assert.Equal(4, rotating.Calls.Of("DescribeSecret"));

        var converged = Client();
        var plan = await new RoleManager.Engine(connections).PlanAsync(
            await RolePasswords.ResolveAsync(desired, connections, _ => null, false, null, CancellationToken.None, converged), CancellationToken.None);
        Assert.True(plan.Plan.IsEmpty);
        Assert.Equal(0, converged.Calls.GetSecretValue);
        Assert.Equal(1, converged.Calls.Of("DescribeSecret"));
        // A plain-string secret stays plain after rotation.
        Assert.Equal(SecretRotation.PasswordLength, (await SecretAsync(setup)).GetProperty("SecretString").GetString()!.Length);
    }
}
