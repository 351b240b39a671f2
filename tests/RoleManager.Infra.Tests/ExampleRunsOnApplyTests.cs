using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The example root module applied from nothing against moto, with the Lambda Invoke calls answered by
/// <see cref="LambdaInvokeProxy"/> (everything else reaches moto): one apply creates the cluster and runs the
/// role manager once, after the writer instance; a second apply runs nothing; a layout change runs it again,
/// and the plan says why.
/// </summary>
public sealed class ExampleRunsOnApplyTests : IDisposable
{
    private const string Region = "eu-west-1";
    private readonly TempDirectory _temp = new("rm-infra-example-run-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task One_apply_creates_the_cluster_and_runs_the_role_manager_once_a_second_apply_runs_nothing_and_a_layout_change_runs_it_again()
    {
        using var moto = MotoServer.Start(new Dictionary<string, string> { ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true" });
        using var proxy = new LambdaInvokeProxy(moto.Endpoint);
        proxy.Respond = _ => LambdaInvokeProxy.FunctionResponse.Result(LambdaInvokeProxy.ManageResult("create role migrator", "create role app", "create schema app owned by migrator"));
        var (tf, example) = await ExampleOnMoto.PrepareAsync(_temp, moto, proxy.Endpoint, Region);
        await WriteLayoutAsync(example);
        string[] vars = ["-var", $"lambda_zip_path={Repo.WriteDummyLambdaZip(_temp.Path)}", "-var", $"region={Region}"];

        var first = await tf.MustAsync(["apply", "-auto-approve", "-input=false", "-no-color", .. vars]);
        var afterFirst = proxy.Invocations;
        var outputs = await tf.OutputsAsync();
        var second = await tf.MustAsync(["apply", "-auto-approve", "-input=false", "-no-color", .. vars]);
        var afterSecond = proxy.Invocations;

        await WriteLayoutAsync(example, """{ name = "reporting", grants = [{ schema = "app", profile = "readonly" }] }""");
        proxy.Respond = _ => LambdaInvokeProxy.FunctionResponse.Result(LambdaInvokeProxy.ManageResult("create role reporting"));
        var third = await tf.MustAsync(["apply", "-auto-approve", "-input=false", "-no-color", .. vars]);
        var afterChange = proxy.Invocations;
        var outputsAfterChange = await tf.OutputsAsync();
        var aws = new ReferenceAwsCli(moto, _temp.Path, Region);
        var function = await aws.JsonAsync("lambda", "get-function-configuration", "--function-name", outputs["role_manager_function_name"]!["value"]!.ToString());

        // One apply from nothing: the cluster's writer is up before the role manager runs, once, with the object event.
        var run = Assert.Single(afterFirst);
        Assert.Equal("role-manager-demo-role-manager", run.Function);
        Assert.Equal(new JsonObject { ["action"] = "manage" }.ToJsonString(), JsonNode.Parse(run.Payload)!.ToJsonString());
        int writerDone = first.Stdout.IndexOf("aws_rds_cluster_instance.writer: Creation complete", StringComparison.Ordinal);
        int endpointDone = first.Stdout.IndexOf("aws_vpc_endpoint.secretsmanager: Creation complete", StringComparison.Ordinal);
        int runStarts = first.Stdout.IndexOf("module.role_manager.aws_lambda_invocation.manage[0]: Creating...", StringComparison.Ordinal);
        Assert.True(writerDone >= 0 && endpointDone >= 0 && runStarts > writerDone && runStarts > endpointDone, first.Stdout);
        // What it did is an output: the change descriptions, not their SQL.
        Assert.Equal(["create role migrator", "create role app", "create schema app owned by migrator"],
            outputs["role_manager_changes"]!["value"]!.AsArray().Select(c => c!.ToString()));
        Assert.DoesNotContain("********", outputs.ToJsonString());

        // Nothing changed: no run, and the plan does not mention it. (moto does not round-trip a few attributes of
        // the function and the rules, so the provider updates those in place each time; that does not run it either.)
        Assert.Single(afterSecond);
        Assert.DoesNotMatch(@"aws_lambda_invocation\.manage\[0\] (will be created|must be replaced)|aws_lambda_invocation\.manage\[0\]: Creating", second.Stdout);

        // A layout change: the plan shown by apply says the role manager runs again because the config changed.
        Assert.Contains("module.role_manager.aws_lambda_invocation.manage[0] must be replaced", third.Stdout);
        Assert.Matches("""~ triggers\s+= \{ # forces replacement""", third.Stdout);
        Assert.Matches("~ \"config_hash\"\\s+= \"[0-9a-f]{64}\" -> \"[0-9a-f]{64}\"", third.Stdout);
        Assert.DoesNotMatch("""~ "(code_hash|settings_hash|database)" """, third.Stdout);
        // ...and the apply runs it once more, with the new layout already in the function's environment.
        Assert.Equal(2, afterChange.Count);
        var config = function["Environment"]!["Variables"]!["ROLE_MANAGER_CONFIG"]!.ToString();
        Assert.Equal(["migrator", "app", "reporting"], System.Text.RegularExpressions.Regex.Matches(config[config.IndexOf("\"roles\":", StringComparison.Ordinal)..config.IndexOf("\"schemas\":", StringComparison.Ordinal)], "\"name\": \"([a-z]+)\"").Select(m => m.Groups[1].Value));
        Assert.Equal(["create role reporting"], outputsAfterChange["role_manager_changes"]!["value"]!.AsArray().Select(c => c!.ToString()));
    }

    /// <summary>The example's layout variable: migrator owns schema app, app reads and writes it, then <paramref name="moreRoles"/>.</summary>
    private static Task WriteLayoutAsync(string example, params string[] moreRoles) =>
        File.WriteAllTextAsync(Path.Combine(example, "layout.auto.tfvars"), $$"""
            layout = {
              database = "app"
              schemas  = [{ name = "app", owner = "migrator" }]
              roles = [
                { name = "migrator", search_path = ["app"] },
                { name = "app", search_path = ["app"], grants = [{ schema = "app", profile = "readwrite" }] },
            {{string.Concat(moreRoles.Select(role => $"    {role},\n"))}}  ]
            }
            """);
}
