using System.Text;
using System.Text.Json.Nodes;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Runtime;
using RoleManager.Testing;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// Issue 28: the function with a cluster config (databases:) manages every database in one invocation; the event's
/// <c>database</c> chooses one. DB_NAME, which the module sets, does not choose: the config names the databases.
/// </summary>
public sealed class ClusterFunctionTests
{
    private static string Config(string db1, string db2, string p) => $$"""
        {"roles": [{"name": "{{p}}_migrator", "auth": "none"}, {"name": "{{p}}_app", "auth": "none"}],
         "databases": [
           {"name": "{{db1}}", "schemas": [{"name": "app", "owner": "{{p}}_migrator"}], "roles": [{"name": "{{p}}_app", "grants": [{"schema": "app", "profile": "readwrite"}]}]},
           {"name": "{{db2}}", "schemas": [{"name": "billing", "owner": "{{p}}_migrator"}], "roles": [{"name": "{{p}}_app", "grants": [{"schema": "billing", "profile": "readonly"}]}]}]}
        """;

    [Fact]
    public async Task One_invocation_manages_and_reports_every_database_of_the_config_and_the_event_database_chooses_one()
    {
        var server = await PostgresServer.Shared;
        string db1 = await server.CreateDatabaseAsync("cl1"), db2 = await server.CreateDatabaseAsync("cl2");
        string prefix = "c" + Guid.NewGuid().ToString("N")[..8];
        var env = new Dictionary<string, string?>
        {
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = server.Port.ToString(), ["DB_USER"] = PostgresServer.MasterUser, ["DB_NAME"] = db1,
            ["PGPASSWORD"] = server.MasterPassword, ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true",
            ["ROLE_MANAGER_CONFIG"] = Config(db1, db2, prefix),
        };
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), env.GetValueOrDefault);
        async Task<JsonNode> InvokeAsync(string payload) => JsonNode.Parse(Encoding.UTF8.GetString((await function.HandleAsync(
            new Invocation("r1", DateTimeOffset.UtcNow.AddMinutes(5), null, null, Encoding.UTF8.GetBytes(payload)), CancellationToken.None)).Span))!;

        var manage = await InvokeAsync("""{"action":"manage"}""");

        Assert.Equal("apply", manage["action"]!.GetValue<string>());
        Assert.False(manage["failed"]!.GetValue<bool>());
        Assert.Equal([db1, db2], manage["databases"]!.AsArray().Select(d => d!["database"]!.GetValue<string>()));
        Assert.All(manage["databases"]!.AsArray(), d => Assert.True(d!["changed"]!.GetValue<bool>()));

        var plan = await InvokeAsync($$"""{"action":"plan","database":"{{db2}}"}""");

        var only = Assert.Single(plan["databases"]!.AsArray());
        Assert.Equal(db2, only!["database"]!.GetValue<string>());
        Assert.Empty(only["changes"]!.AsArray());
        var all = await InvokeAsync("\"plan\"");
        Assert.All(all["databases"]!.AsArray(), d => Assert.Empty(d!["changes"]!.AsArray()));
        var report = await InvokeAsync("\"report\"");
        Assert.Equal([db1, db2], report["databases"]!.AsArray().Select(d => d!["server"]!["database"]!.GetValue<string>()));
        Assert.DoesNotContain(server.MasterPassword, logs.Text);
    }
}
