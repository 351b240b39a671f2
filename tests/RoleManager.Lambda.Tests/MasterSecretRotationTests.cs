using System.Text;
using System.Text.Json;
using RoleManager.Aws;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Runtime;
using RoleManager.Testing;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// A warm function process (the in-process function, kept between invocations as Lambda keeps the
/// container) against moto's Secrets Manager and a real PostgreSQL: the master password is rotated between
/// two invocations, as RDS does every 7 days, and every <c>GetSecretValue</c> call is counted.
/// </summary>
public sealed class MasterSecretRotationTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private sealed class CountingSecretSource(ISecretSource inner) : ISecretSource
    {
        public int Calls;

        public Task<Secret> GetSecretValueAsync(string secretId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return inner.GetSecretValueAsync(secretId, cancellationToken);
        }
    }

    private sealed record Stack(PostgresServer Server, string Database, string Login, string SecretArn, Dictionary<string, string> Environment);

    /// <summary>A login role standing in for the master (so the shared master's password is not touched), its secret in moto, a database.</summary>
    private async Task<Stack> StackAsync(string password)
    {
        var server = await PostgresServer.Shared;
        string db = await server.CreateDatabaseAsync("rot");
        string login = "rot_" + Guid.NewGuid().ToString("N")[..8];
        await using (var su = await server.OpenSuperuserAsync(db))
            await PostgresServer.Exec(su, $"CREATE ROLE \"{login}\" LOGIN PASSWORD '{password}'; GRANT CONNECT ON DATABASE \"{db}\" TO \"{login}\"");
        string output = await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "secretsmanager", "create-secret", "--name", "rds!" + login, "--secret-string", SecretJson(login, password));
        string arn = JsonDocument.Parse(output).RootElement.GetProperty("ARN").GetString()!;
        var env = new Dictionary<string, string>(moto.AwsVariables())
        {
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = server.Port.ToString(), ["DB_NAME"] = db, ["DB_PASSWORD_SECRET_ARN"] = arn,
            ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true", ["ROLE_MANAGER_CONFIG"] = $$"""{"database": "{{db}}", "roles": [{"name": "{{login}}_app", "auth": "none"}]}""",
        };
        return new Stack(server, db, login, arn, env);
    }

    private static string SecretJson(string username, string password) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = username, ["password"] = password });

    private async Task RotateAsync(Stack stack, string newPassword, bool changeDatabase = true, bool changeSecret = true)
    {
        if (changeDatabase)
        {
            await using var su = await stack.Server.OpenSuperuserAsync(stack.Database);
            await PostgresServer.Exec(su, $"ALTER ROLE \"{stack.Login}\" PASSWORD '{newPassword}'");
        }
        if (changeSecret)
            await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "secretsmanager", "put-secret-value", "--secret-id", stack.SecretArn, "--secret-string", SecretJson(stack.Login, newPassword));
    }

    private static (IInvocationHandler Function, CountingSecretSource Calls, TestLogs Logs) WarmFunction(Stack stack)
    {
        var logs = new TestLogs();
        var client = SecretsManagerClient.FromEnvironment(new HttpClient(), AwsEnvironment.From(stack.Environment.GetValueOrDefault));
        var counting = new CountingSecretSource(client);
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System),
            stack.Environment.GetValueOrDefault, new MasterSecret(counting, stack.SecretArn));
        return (function, counting, logs);
    }

    private static Task<ReadOnlyMemory<byte>> InvokeAsync(IInvocationHandler function, string json) =>
        function.HandleAsync(new Invocation(Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.AddMinutes(5), null, null, Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    [Fact]
    public async Task A_warm_process_survives_a_master_password_rotation_between_two_invocations_with_one_extra_GetSecretValue()
    {
        var stack = await StackAsync("first-Pw-1a");
        var (function, calls, logs) = WarmFunction(stack);

        var first = JsonDocument.Parse((await InvokeAsync(function, """{"action":"plan"}""")).ToArray());
        Assert.Equal("plan", first.RootElement.GetProperty("action").GetString());
        Assert.Equal(1, calls.Calls);

        await RotateAsync(stack, "second-Pw-2b");
        var second = JsonDocument.Parse((await InvokeAsync(function, """{"action":"plan"}""")).ToArray());
        Assert.Equal(stack.Database, second.RootElement.GetProperty("database").GetString());
        Assert.Equal(2, calls.Calls);

        // Warm again, nothing rotated: the cached (new) value serves, no further call.
        await InvokeAsync(function, """{"action":"plan"}""");
        Assert.Equal(2, calls.Calls);
        Assert.DoesNotContain("first-Pw-1a", logs.Text);
        Assert.DoesNotContain("second-Pw-2b", logs.Text);
        Assert.Contains("reading the secret again", logs.Text);
    }

    [Fact]
    public async Task A_secret_that_is_still_refused_after_one_fresh_read_is_a_clear_error_not_a_loop()
    {
        var stack = await StackAsync("first-Pw-3c");
        var (function, calls, _) = WarmFunction(stack);
        await InvokeAsync(function, """{"action":"plan"}""");

        // The database's password changed but the secret was not updated (a rotation half done).
        await RotateAsync(stack, "other-Pw-4d", changeSecret: false);
        var error = await Assert.ThrowsAsync<Errors.ConnectionException>(() => InvokeAsync(function, """{"action":"plan"}"""));
        Assert.Contains("28P01", error.Message);
        Assert.Contains("also after reading the secret " + stack.SecretArn + " again", error.Message);
        // 28P01 is also PostgreSQL's answer to a user that does not exist: the user name's origin is named too.
        Assert.Contains("Check the user name (from the master secret in Secrets Manager)", error.Message);
        Assert.DoesNotContain("first-Pw-3c", error.Message);
        Assert.Equal(2, calls.Calls);
    }
}
