using System.Text;
using RoleManager.Errors;
using RoleManager.Lambda.Events;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// Whoever may invoke the function must not be able to hand it a layout that mints a privileged login
/// or reads the function's environment. Each refusal happens before any connection.
/// </summary>
public sealed class EventConfigGateTests
{
    private const string Backdoor =
        """{"action":"manage","config":{"database":"appdb","roles":[{"name":"backdoor","auth":"password","password_env":"LAMBDA_TASK_ROOT","createrole":true}]}}""";

    // The function's own environment also holds a path and a secret an event config must not be able to read.
    private static Task<(Exception Error, bool Connected, string Logs)> InvokeAsync(string payload, params (string Name, string Value)[] extra) =>
        BeforeAnyConnection.InvokeAsync("req-gate", Encoding.UTF8.GetBytes(payload),
            [("LAMBDA_TASK_ROOT", "/var/task"), ("SET_BUT_SECRET", "s3cr3t-value"), .. extra]);

    [Fact]
    public async Task An_event_config_is_refused_unless_the_deployment_opts_in()
    {
        var (error, connected, _) = await InvokeAsync(Backdoor);
        Assert.IsType<ConfigException>(error);
        Assert.Contains(EventConfigGate.AllowVariable, error.Message);
        Assert.False(connected, "the function connected to the database");
    }

    [Fact]
    public async Task Even_when_opted_in_the_backdoor_event_from_the_issue_is_refused_before_any_connection()
    {
        var (error, connected, logs) = await InvokeAsync(Backdoor, (EventConfigGate.AllowVariable, "true"));
        var config = Assert.IsType<ConfigException>(error);
        Assert.Contains("roles[0].password_env is not allowed", config.Message);
        Assert.Contains("roles[0].createrole is not allowed", config.Message);
        Assert.Contains("auth: password is not allowed", config.Message);
        Assert.False(connected, "the function connected to the database");
        Assert.DoesNotContain("/var/task", config.Message + logs);
    }

    [Theory]
    [InlineData("""{"name":"x","auth":"none","createdb":true}""", "roles[0].createdb is not allowed")]
    [InlineData("""{"name":"x","auth":"none","member_of":["y"]},{"name":"y","login":false}""", "roles[0].member_of is not allowed")]
    [InlineData("""{"name":"x","auth":"none","drop":true}""", "roles[0].drop is not allowed")]
    [InlineData("""{"name":"x","auth":"none","settings":{"work_mem":"4GB"}}""", "roles[0].settings is not allowed")]
    [InlineData("""{"name":"x","auth":"none","database_settings":{"work_mem":"4GB"}}""", "roles[0].database_settings is not allowed")]
    [InlineData("""{"name":"x","auth":"none","database_privileges":["connect","CREATE"]}""", "database_privileges: create is not allowed")]
    [InlineData("""{"name":"x","auth":"password","password_env":"SET_BUT_SECRET"}""", "roles[0].password_env is not allowed")]
    public async Task Even_when_opted_in_an_event_config_cannot_grant_privileged_attributes(string role, string expected)
    {
        var (error, connected, logs) = await InvokeAsync($$$"""{"action":"plan","config":{"roles":[{{{role}}}]}}""", (EventConfigGate.AllowVariable, "true"));
        Assert.Contains(expected, Assert.IsType<ConfigException>(error).Message);
        Assert.False(connected);
        Assert.DoesNotContain("s3cr3t-value", error.Message + logs);
    }

    [Theory]
    [InlineData("""{"extensions":["plpgsql"],"roles":[]}""", "\"extensions\" is not allowed")]
    [InlineData("""{"database":"postgres","roles":[]}""", "\"database\" must be the function's own database")]
    [InlineData("""{"auth":"password","roles":[]}""", "\"auth\": \"password\" is not allowed")]
    public async Task Even_when_opted_in_an_event_config_cannot_leave_the_functions_database_or_install_extensions(string config, string expected)
    {
        var (error, connected, _) = await InvokeAsync($$$"""{"action":"plan","config":{{{config}}}}""", (EventConfigGate.AllowVariable, "true"));
        Assert.Contains(expected, Assert.IsType<ConfigException>(error).Message);
        Assert.False(connected);
    }

    /// <summary>
    /// docs/group-roles.md: grant_mode is allowed in an event config where member_of is not. The memberships it makes are
    /// in group roles that carry the event's own grants and nothing else, so the gate lets it through, top-level and per
    /// schema: the function goes on to connect (the database port here is closed), where member_of stops before.
    /// </summary>
    [Theory]
    [InlineData("""{"grant_mode":"groups","schemas":[{"name":"app","owner":"mig"}],"roles":[{"name":"mig","auth":"iam"},{"name":"r1","auth":"iam","grants":[{"schema":"app","profile":"readonly"}]},{"name":"r2","auth":"iam","grants":[{"schema":"app","profile":"readonly"}]}]}""")]
    [InlineData("""{"schemas":[{"name":"app","owner":"mig","grant_mode":"direct"}],"roles":[{"name":"mig","auth":"iam"},{"name":"r1","auth":"iam","grants":[{"schema":"app","profile":"readonly"}]},{"name":"r2","auth":"iam","grants":[{"schema":"app","profile":"readonly"}]}]}""")]
    public async Task Even_when_opted_in_grant_mode_is_admitted_where_member_of_is_not(string config)
    {
        var (error, _, _) = await InvokeAsync($$$"""{"action":"plan","config":{{{config}}}}""", (EventConfigGate.AllowVariable, "true"), ("DB_PORT", "1"));
        Assert.True(error is ConnectionException, error.ToString());
    }

    [Fact]
    public void An_admitted_event_config_is_resolved_without_the_functions_environment()
    {
        var lambdaEvent = EventParser.Parse("""{"action":"plan","config":{"roles":[{"name":"x","auth":"iam"}]}}"""u8.ToArray());
        Assert.NotNull(EventConfigGate.Admit(lambdaEvent, name => name == EventConfigGate.AllowVariable ? "true" : "leaked", "appdb"));
        Assert.Null(EventConfigGate.NoEnvironment("LAMBDA_TASK_ROOT"));
    }

    [Fact]
    public async Task An_allowed_event_config_reaches_the_database_connection()
    {
        // The control for the tests above: a harmless event config passes the gate and the function goes on to connect.
        var (error, connected, _) = await InvokeAsync("""{"action":"plan","config":{"roles":[{"name":"reporting","auth":"iam"}]}}""",
            (EventConfigGate.AllowVariable, "true"), ("DB_PORT", "1"));
        Assert.IsType<ConnectionException>(error);
        _ = connected;
    }
}
