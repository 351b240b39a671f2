using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The module's run on apply through Fixtures/run-root against moto, with Invoke answered by
/// <see cref="LambdaInvokeProxy"/>: turned off it runs nothing; a layout typo fails the plan; a function error
/// fails the apply with the function's own message and is retried by the next apply; a failed check fails the
/// apply and is run again by the next one. One sequence, to keep the number of terraform runs small.
/// </summary>
public sealed class RunOnApplyTests : IDisposable
{
    private readonly TempDirectory _temp = new("rm-infra-run-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Off_it_never_runs_a_typo_fails_the_plan_a_function_error_or_a_failed_check_fails_the_apply_and_the_next_apply_runs_again()
    {
        _ = Tools.Terraform;
        using var moto = MotoServer.Start(new Dictionary<string, string> { ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true" });
        await moto.ConfigureAsync("""{"lambda": {"use_docker": false}}""");
        using var proxy = new LambdaInvokeProxy(moto.Endpoint);
        var tf = await FixtureRoots.PrepareAsync(_temp, "run-root");
        var good = _temp.Combine("good.yaml");
        await File.WriteAllTextAsync(good, "roles:\n  - name: migrator\n  - name: app\n");
        var typo = _temp.Combine("typo.yaml");
        await File.WriteAllTextAsync(typo, "roles:\n  - name: migrator\n    serch_path: [app]\n  - name: app\n    grants:\n      - { schema: app, profile: readwirte }\n");
        string[] vars = ["-var", $"endpoint={moto.Endpoint.ToString().TrimEnd('/')}", "-var", $"lambda_endpoint={proxy.Endpoint}",
            "-var", $"lambda_zip_path={Repo.WriteDummyLambdaZip(_temp.Path)}", "-var", $"layout_file={good}"];
        string[] apply = ["apply", "-auto-approve", "-input=false", "-no-color"];

        // Off: the stack is built, the function never invoked.
        await tf.MustAsync([.. apply, .. vars, "-var", "run_on_apply=false"]);
        Assert.Empty(proxy.Invocations);

        // A typo in the layout file fails the plan, naming each problem; nothing runs.
        var typoPlan = await tf.RunAsync(["plan", "-input=false", "-no-color", .. vars, "-var", $"layout_file={typo}"]);
        Assert.Equal(1, typoPlan.ExitCode);
        Assert.Contains("roles[0].serch_path: unknown key \"serch_path\"", Flat(typoPlan.Stderr));
        Assert.Contains("roles[1].grants[0].profile: \"readwirte\" is not one of owner, readwrite, readonly, all", Flat(typoPlan.Stderr));
        Assert.Empty(proxy.Invocations);

        // A function error fails the apply with the function's own error type and message.
        proxy.Respond = _ => LambdaInvokeProxy.FunctionResponse.Error("RoleManager.ConnectionFailed",
            "Could not connect to test-cluster.cluster-abc.us-east-1.rds.amazonaws.com:5432 within 15 s: check that the database security group admits the function security group.");
        var failed = await tf.RunAsync([.. apply, .. vars]);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("RoleManager.ConnectionFailed", Flat(failed.Stderr));
        Assert.Contains("check that the database security group admits the function security group.", Flat(failed.Stderr));
        Assert.Single(proxy.Invocations);

        // The failed run is not remembered as done: the next apply runs it again.
        proxy.Respond = _ => LambdaInvokeProxy.FunctionResponse.Result(LambdaInvokeProxy.ManageResult("create role migrator", "create role app"));
        await tf.MustAsync([.. apply, .. vars]);
        Assert.Equal(2, proxy.Invocations.Count);
        var outputs = await tf.OutputsAsync();
        Assert.Equal(["create role migrator", "create role app"], outputs["run_changes"]!["value"]!.AsArray().Select(c => c!.ToString()));

        // run_check: a check that does not pass fails the apply and lists the failed assertion.
        var checkPassed = false;
        proxy.Respond = e => e.Contains("check", StringComparison.Ordinal)
            ? LambdaInvokeProxy.FunctionResponse.Result(CheckResult(checkPassed))
            : LambdaInvokeProxy.FunctionResponse.Result(LambdaInvokeProxy.ManageResult());
        var failedCheck = await tf.RunAsync([.. apply, .. vars, "-var", "run_check=true"]);
        Assert.Equal(1, failedCheck.ExitCode);
        Assert.Contains("The role manager's check did not pass", Flat(failedCheck.Stderr));
        Assert.Contains("app: cannot create in schema app (CREATE TABLE succeeded)", Flat(failedCheck.Stderr));
        Assert.Equal(JsonNode.Parse("""{"action":"check"}""")!.ToJsonString(), JsonNode.Parse(proxy.Invocations[^1].Payload)!.ToJsonString());
        Assert.Equal(3, proxy.Invocations.Count); // manage did not run again: nothing it depends on changed

        // ...and it is run again by the next apply, which passes once the check does.
        checkPassed = true;
        await tf.MustAsync([.. apply, .. vars, "-var", "run_check=true"]);
        Assert.Equal(4, proxy.Invocations.Count);
        Assert.Contains("check", proxy.Invocations[^1].Payload);
    }

    /// <summary>Terraform wraps long error lines; compare text with single spaces.</summary>
    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '│'], StringSplitOptions.RemoveEmptyEntries));

    private static string CheckResult(bool passed) => new JsonObject
    {
        ["action"] = "check",
        ["database"] = "app",
        ["changed"] = false,
        ["changes"] = new JsonArray(),
        ["passed"] = passed,
        ["assertions"] = new JsonArray(
            new JsonObject { ["role"] = "migrator", ["name"] = "can create in schema app", ["passed"] = true, ["detail"] = "ok" },
            new JsonObject { ["role"] = "app", ["name"] = "cannot create in schema app", ["passed"] = passed, ["detail"] = passed ? "refused" : "CREATE TABLE succeeded" }),
    }.ToJsonString();
}
