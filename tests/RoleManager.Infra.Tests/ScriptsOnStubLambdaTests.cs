using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The bin/ scripts against a stand-in for the Lambda Invoke API, for what moto cannot return without
/// Docker: a FunctionError and a log tail. The real aws CLI makes the calls.
/// </summary>
public sealed class ScriptsOnStubLambdaTests : IDisposable
{
    private readonly TempDirectory _work = new("rm-infra-stub-");
    private readonly StubLambda _stub = new();

    public ScriptsOnStubLambdaTests()
    {
        _ = Tools.Aws;
    }

    public void Dispose()
    {
        _stub.Dispose();
        _work.Dispose();
    }

    private Dictionary<string, string?> Environment => Scripts.Environment(_stub.Endpoint, _work.Path);

    [Theory]
    [InlineData(Scripts.Manage)]
    [InlineData(Scripts.Check)]
    [InlineData(Scripts.Plan)]
    public async Task Each_script_exits_1_and_shows_the_error_type_and_message_when_the_function_reports_a_function_error(string script)
    {
        _stub.FunctionError = "Unhandled";
        _stub.LogTail = """{"level":"ERROR","requestId":"r-1","message":"config invalid"}""" + "\n";
        _stub.ResponseBody = """{"errorType":"RoleManager.ConfigInvalid","errorMessage":"roles[1].name is empty"}""";

        var run = await Scripts.RunAsync(script, Environment, _work.Path, "role-manager");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("FAILED: the function reported an error (Unhandled): RoleManager.ConfigInvalid: roles[1].name is empty", run.Stderr);
        Assert.Equal("RoleManager.ConfigInvalid", JsonNode.Parse(run.Stdout)!["errorType"]!.ToString());
        Assert.Contains("\"message\":\"config invalid\"", run.Stderr);
    }

    [Fact]
    public async Task A_script_invokes_synchronously_asks_for_the_log_tail_and_sends_the_action_as_an_object()
    {
        _stub.ResponseBody = """{"passed": true, "assertions": []}""";

        var run = await Scripts.RunAsync(Scripts.Check, Environment, _work.Path, "role-manager");

        Assert.True(run.ExitCode == 0, run.ToString());
        var request = Assert.Single(_stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/2015-03-31/functions/role-manager/invocations", request.Path);
        Assert.Equal("Tail", request.Headers["X-Amz-Log-Type"]);
        Assert.Equal("RequestResponse", request.Headers["X-Amz-Invocation-Type"]);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=testing/", request.Headers["Authorization"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"action": "check"}"""), JsonNode.Parse(request.Body)), request.Body);
    }

    [Fact]
    public async Task A_script_prints_the_decoded_log_tail_before_the_result()
    {
        _stub.LogTail = "START RequestId: r-2 Version: $LATEST\n{\"level\":\"INFO\",\"message\":\"applied 3 changes\"}\nEND RequestId: r-2\n";
        _stub.ResponseBody = """{"changes": [{"description": "grant usage", "sql": "GRANT USAGE ON SCHEMA \"app\" TO \"app\""}]}""";

        var run = await Scripts.RunAsync(Scripts.Manage, Environment, _work.Path, "role-manager");

        Assert.True(run.ExitCode == 0, run.ToString());
        var log = run.Stderr.IndexOf("--- function log (tail) ---", StringComparison.Ordinal);
        var line = run.Stderr.IndexOf("{\"level\":\"INFO\",\"message\":\"applied 3 changes\"}", StringComparison.Ordinal);
        var end = run.Stderr.IndexOf("--- end of log ---", StringComparison.Ordinal);
        var result = run.Stderr.IndexOf("--- result ---", StringComparison.Ordinal);
        Assert.True(log >= 0 && log < line && line < end && end < result, run.ToString());
        Assert.Contains("OK: 1 change(s) applied", run.Stderr);
    }

    [Fact]
    public async Task A_script_with_no_log_leaves_the_log_tail_out()
    {
        _stub.LogTail = "secret-free but noisy log line\n";
        _stub.ResponseBody = """{"changes": []}""";

        var run = await Scripts.RunAsync(Scripts.Plan, Environment, _work.Path, "role-manager", "--no-log");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("noisy log line", run.Stderr + run.Stdout);
    }

    [Fact]
    public async Task A_script_exits_1_when_the_function_does_not_exist()
    {
        _stub.StatusCode = 404;
        _stub.ErrorType = "ResourceNotFoundException";
        _stub.ResponseBody = """{"Type": "User", "message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:no-such-function"}""";

        var run = await Scripts.RunAsync(Scripts.Check, Environment, _work.Path, "no-such-function");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("ResourceNotFoundException", run.Stderr);
        Assert.Contains("aws lambda invoke failed", run.Stderr);
    }
}
