using System.Text;
using System.Text.Json.Nodes;
using RoleManager.Errors;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Runtime;
using RoleManager.Testing;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// Issue 28: an event's <c>config</c> in the cluster form (<c>databases:</c>). The gate holds it to the one-database
/// form's rules, database by database: it names only the function's own database, installs no extension, and its
/// per-database role keys grant nothing an event may not (a database-level setting, CREATE on the database). Within
/// those rules it runs like the function's own cluster config.
/// </summary>
public sealed class ClusterEventConfigTests
{
    private static Task<(Exception Error, bool Connected, string Logs)> InvokeAsync(string config) =>
        BeforeAnyConnection.InvokeAsync("req-cluster-gate", Encoding.UTF8.GetBytes($$"""{"action":"manage","config":{{config}}}"""),
            (EventConfigGate.AllowVariable, "true"), ("SET_BUT_SECRET", "s3cr3t-value"));

    [Theory]
    [InlineData("""{"roles":[{"name":"x","auth":"none"}],"databases":[{"name":"postgres","roles":[{"name":"x"}]}]}""",
        "databases[0].name must be the function's own database")]
    [InlineData("""{"roles":[{"name":"x","auth":"none"}],"databases":[{"name":"appdb"},{"name":"other"}]}""",
        "databases[1].name must be the function's own database")]
    [InlineData("""{"roles":[],"databases":[{"name":"appdb","extensions":["plpgsql"]}]}""",
        "databases[0].extensions is not allowed")]
    [InlineData("""{"roles":[{"name":"x","auth":"none"}],"databases":[{"name":"appdb","roles":[{"name":"x","database_settings":{"work_mem":"4GB"}}]}]}""",
        "databases[0].roles[0].database_settings is not allowed")]
    [InlineData("""{"roles":[{"name":"x","auth":"none"}],"databases":[{"name":"appdb","roles":[{"name":"x","database_privileges":["connect","CREATE"]}]}]}""",
        "databases[0].roles[0].database_privileges: create is not allowed")]
    [InlineData("""{"roles":[{"name":"x","auth":"password","password_env":"SET_BUT_SECRET"}],"databases":[{"name":"appdb"}]}""",
        "roles[0].password_env is not allowed")]
    public async Task A_cluster_form_event_config_is_held_to_the_same_rules_database_by_database_before_any_connection(string config, string expected)
    {
        var (error, connected, logs) = await InvokeAsync(config);

        Assert.Contains(expected, Assert.IsType<ConfigException>(error).Message);
        Assert.False(connected, "the function connected to the database");
        Assert.DoesNotContain("s3cr3t-value", error.Message + logs);
    }

    [Fact]
    public async Task A_cluster_form_event_config_on_the_functions_own_database_is_applied_and_then_plans_nothing()
    {
        var server = await PostgresServer.Shared;
        string db = await server.CreateDatabaseAsync("clev");
        string prefix = "e" + Guid.NewGuid().ToString("N")[..8];
        string config = $$"""
            {"roles": [{"name": "{{prefix}}_owner", "login": false}, {"name": "{{prefix}}_app", "auth": "none"}],
             "databases": [{"name": "{{db}}", "schemas": [{"name": "app", "owner": "{{prefix}}_owner"}],
                            "roles": [{"name": "{{prefix}}_app", "search_path": ["app"], "grants": [{"schema": "app", "profile": "readwrite"}]}]}]}
            """;
        var env = new Dictionary<string, string?>
        {
            ["DB_HOST"] = "127.0.0.1", ["DB_PORT"] = server.Port.ToString(), ["DB_USER"] = PostgresServer.MasterUser, ["DB_NAME"] = db,
            ["PGPASSWORD"] = server.MasterPassword, ["PGSSLMODE"] = "disable", ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true",
            [EventConfigGate.AllowVariable] = "true",
        };
        using var logs = new TestLogs();
        var function = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), env.GetValueOrDefault);
        async Task<JsonNode> InvokeAsync(string action) => JsonNode.Parse(Encoding.UTF8.GetString((await function.HandleAsync(
            new Invocation("r-" + action, DateTimeOffset.UtcNow.AddMinutes(5), null, null, Encoding.UTF8.GetBytes($$"""{"action":"{{action}}","config":{{config}}}""")),
            CancellationToken.None)).Span))!;

        var manage = await InvokeAsync("manage");

        var applied = Assert.Single(manage["databases"]!.AsArray());
        Assert.Equal(db, applied!["database"]!.GetValue<string>());
        Assert.True(applied["changed"]!.GetValue<bool>());
        await using (var conn = await server.OpenMasterAsync(db))
        {
            await using var cmd = new Npgsql.NpgsqlCommand($"SELECT has_schema_privilege('{prefix}_app', 'app', 'USAGE')", conn);
            Assert.True((bool)(await cmd.ExecuteScalarAsync())!);
        }
        var plan = await InvokeAsync("plan");
        Assert.Empty(Assert.Single(plan["databases"]!.AsArray())!["changes"]!.AsArray());
        var check = await InvokeAsync("check");
        Assert.False(check["failed"]!.GetValue<bool>());
        Assert.DoesNotContain(server.MasterPassword, logs.Text);
    }
}
