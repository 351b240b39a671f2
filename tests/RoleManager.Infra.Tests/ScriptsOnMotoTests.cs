using System.Text.Json;
using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>moto_server with Lambda invoke without Docker, and one function to invoke.</summary>
public sealed class LambdaOnMotoFixture : IAsyncLifetime
{
    public const string FunctionName = "role-manager-scripts";

    private readonly TempDirectory _temp = new("rm-infra-scripts-");

    public MotoServer Moto { get; private set; } = null!;
    public string Endpoint => Moto.Endpoint.ToString().TrimEnd('/');
    public string Scratch => _temp.Path;

    public async Task InitializeAsync()
    {
        _ = Tools.Aws;
        Moto = MotoServer.Start(new Dictionary<string, string>());
        await Moto.ConfigureAsync("""{"lambda": {"use_docker": false}}""");
        var aws = new ReferenceAwsCli(Moto, _temp.Path);
        await aws.JsonAsync("iam", "create-role", "--role-name", "role-manager-scripts",
            "--assume-role-policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
        var zip = Repo.WriteDummyLambdaZip(_temp.Path);
        await aws.JsonAsync("lambda", "create-function", "--function-name", FunctionName, "--runtime", "provided.al2023",
            "--handler", "bootstrap", "--role", "arn:aws:iam::123456789012:role/role-manager-scripts", "--zip-file", "fileb://" + zip);
    }

    /// <summary>Makes moto's next invocation return <paramref name="result"/> (otherwise it echoes the event).</summary>
    public async Task QueueResultAsync(object result)
    {
        var body = JsonSerializer.Serialize(new { results = new[] { JsonSerializer.Serialize(result) }, region = MotoServer.DefaultRegion });
        using var response = await Moto.Http.PostAsync("/moto-api/static/lambda-simple/response",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        Moto?.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The bin/ scripts against a function in moto_server: the success paths and a failed check.</summary>
public sealed class ScriptsOnMotoTests(LambdaOnMotoFixture lambda) : IClassFixture<LambdaOnMotoFixture>, IDisposable
{
    private readonly TempDirectory _work = new("rm-infra-script-");

    public void Dispose() => _work.Dispose();

    private Dictionary<string, string?> Environment => Scripts.Environment(lambda.Endpoint, _work.Path);

    [Fact]
    public async Task Check_database_roles_exits_0_and_pretty_prints_the_result_when_the_check_passes()
    {
        await lambda.QueueResultAsync(CheckResult(appRefused: null));

        var run = await Scripts.RunAsync(Scripts.Check, Environment, _work.Path, LambdaOnMotoFixture.FunctionName);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 5, "not pretty-printed:\n" + run.Stdout);
        Assert.Equal("{", lines[0]);
        Assert.Matches("^ +\"passed\": true,$", lines[1]);
        Assert.True(JsonNode.Parse(run.Stdout)!["passed"]!.GetValue<bool>());
        Assert.Contains("OK: the check passed (2 assertions)", run.Stderr);
    }

    [Fact]
    public async Task Check_database_roles_exits_3_as_the_CLI_does_and_lists_the_failed_assertions_when_the_check_fails()
    {
        await lambda.QueueResultAsync(CheckResult(appRefused: "CREATE TABLE app.t succeeded"));

        var run = await Scripts.RunAsync(Scripts.Check, Environment, _work.Path, "--function-name", LambdaOnMotoFixture.FunctionName);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("FAILED: the check did not pass (1 of 2 assertions failed)", run.Stderr);
        Assert.Contains("app: cannot create in app — CREATE TABLE app.t succeeded", run.Stderr);
        Assert.DoesNotContain("migrator: can create", run.Stderr);
        Assert.False(JsonNode.Parse(run.Stdout)!["passed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Plan_database_roles_prints_the_planned_changes_and_exits_0()
    {
        await lambda.QueueResultAsync(PlanWithChanges());

        var run = await Scripts.RunAsync(Scripts.Plan, Environment, _work.Path, LambdaOnMotoFixture.FunctionName);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("CREATE SCHEMA \\\"app\\\" AUTHORIZATION \\\"migrator\\\"", run.Stdout);
        Assert.Contains("OK: 2 change(s) planned", run.Stderr);
    }

    [Fact]
    public async Task Check_database_roles_reads_the_engine_result_shape_with_name_and_the_summary_fields()
    {
        await lambda.QueueResultAsync(new
        {
            action = "check",
            database = "app",
            changed = false,
            dryRun = false,
            statementsExecuted = 0,
            changes = Array.Empty<object>(),
            passed = false,
            assertions = new[]
            {
                new { role = "PUBLIC", name = "cannot connect to app", passed = false, detail = "CONNECT is granted to PUBLIC" },
                new { role = "app", name = "can insert into migrator's tables", passed = true, detail = "" },
            },
        });

        var run = await Scripts.RunAsync(Scripts.Check, Environment, _work.Path, LambdaOnMotoFixture.FunctionName);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("FAILED: the check did not pass (1 of 2 assertions failed)", run.Stderr);
        Assert.Contains("PUBLIC: cannot connect to app — CONNECT is granted to PUBLIC", run.Stderr);
    }

    [Fact]
    public async Task Plan_database_roles_with_detailed_exitcode_exits_2_when_there_are_changes_and_0_when_there_are_none()
    {
        await lambda.QueueResultAsync(PlanWithChanges());
        var withChanges = await Scripts.RunAsync(Scripts.Plan, Environment, _work.Path, LambdaOnMotoFixture.FunctionName, "--detailed-exitcode");
        await lambda.QueueResultAsync(new { changes = Array.Empty<object>() });
        var converged = await Scripts.RunAsync(Scripts.Plan, Environment, _work.Path, LambdaOnMotoFixture.FunctionName, "--detailed-exitcode");

        Assert.True(withChanges.ExitCode == 2, withChanges.ToString());
        Assert.True(converged.ExitCode == 0, converged.ToString());
        Assert.Contains("OK: 0 change(s) planned", converged.Stderr);
    }

    [Fact]
    public async Task Create_or_update_database_roles_sends_the_manage_action_and_exits_0()
    {
        // With nothing queued, moto's Lambda without Docker answers with the event it was sent.
        var run = await Scripts.RunAsync(Scripts.Manage, Environment, _work.Path, LambdaOnMotoFixture.FunctionName);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"action": "manage"}"""), JsonNode.Parse(run.Stdout)), run.ToString());
        Assert.Contains("==> Invoking role-manager-scripts: manage", run.Stderr);
    }

    [Fact]
    public async Task Create_or_update_database_roles_sends_dry_run_and_the_config_file_in_the_event()
    {
        var config = Path.Combine(_work.Path, "roles.json");
        await File.WriteAllTextAsync(config, """{"database": "app", "roles": [{"name": "reporting", "login": true, "auth": "iam"}]}""");

        var run = await Scripts.RunAsync(Scripts.Manage, Environment, _work.Path, LambdaOnMotoFixture.FunctionName, "--dry-run", "--config", config);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = JsonNode.Parse("""{"action": "manage", "dryRun": true, "config": {"database": "app", "roles": [{"name": "reporting", "login": true, "auth": "iam"}]}}""");
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(run.Stdout)), run.ToString());
    }

    [Fact]
    public async Task The_scripts_read_the_function_name_and_region_from_terraform_output()
    {
        var root = Directory.CreateDirectory(Path.Combine(_work.Path, "root")).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "outputs.tf"), $$"""
            output "role_manager_function_name" {
              value = "{{LambdaOnMotoFixture.FunctionName}}"
            }

            output "region" {
              value = "us-east-1"
            }
            """);
        var tf = new Terraform(root, _work.Path);
        await tf.MustAsync("apply", "-auto-approve", "-input=false", "-no-color");
        var environment = Environment;
        environment["AWS_REGION"] = null;
        environment["AWS_DEFAULT_REGION"] = null;
        environment["TF_CLI_CONFIG_FILE"] = Path.Combine(_work.Path, "terraformrc");

        var byOption = await Scripts.RunAsync(Scripts.Check, environment, _work.Path, "--terraform-dir", root);
        var fromCurrentDirectory = await Scripts.RunAsync(Scripts.Plan, environment, root);

        Assert.True(byOption.ExitCode == 0, byOption.ToString());
        Assert.Contains("==> Invoking role-manager-scripts: check", byOption.Stderr);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"action": "check"}"""), JsonNode.Parse(byOption.Stdout)), byOption.ToString());
        Assert.True(fromCurrentDirectory.ExitCode == 0, fromCurrentDirectory.ToString());
        Assert.Contains("==> Invoking role-manager-scripts: plan", fromCurrentDirectory.Stderr);
    }

    [Fact]
    public async Task A_script_without_a_function_name_or_terraform_output_fails_and_says_what_to_pass()
    {
        var root = Directory.CreateDirectory(Path.Combine(_work.Path, "empty-root")).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "main.tf"), "# nothing applied here\n");
        var environment = Environment;
        environment["TF_CLI_CONFIG_FILE"] = Path.Combine(_work.Path, "terraformrc");
        await File.WriteAllTextAsync(Path.Combine(_work.Path, "terraformrc"), "");

        var run = await Scripts.RunAsync(Scripts.Check, environment, _work.Path, "--terraform-dir", root);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("has neither role_manager_function_name nor function_name: pass FUNCTION_NAME", run.Stderr);
    }

    [Theory]
    [InlineData(Scripts.Manage, "Creates or updates the database roles")]
    [InlineData(Scripts.Check, "Checks the database")]
    [InlineData(Scripts.Plan, "Shows the changes")]
    public async Task Each_script_explains_itself_with_help(string script, string summary)
    {
        var run = await Scripts.RunAsync(script, Environment, _work.Path, "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith($"Usage: {script} [FUNCTION_NAME] [options]", run.Stdout);
        Assert.Contains(summary, run.Stdout);
        Assert.Contains("FunctionError", run.Stdout);
        Assert.Contains("AWS_ENDPOINT_URL", run.Stdout);
        Assert.Contains("terraform output", run.Stdout);
    }

    [Theory]
    [InlineData(Scripts.Check, "--bogus")]
    [InlineData(Scripts.Plan, "--dry-run")]
    [InlineData(Scripts.Manage, "--detailed-exitcode")]
    public async Task A_script_rejects_an_option_it_does_not_have_with_exit_code_1_as_the_CLI_does(string script, string option)
    {
        var run = await Scripts.RunAsync(script, Environment, _work.Path, "fn", option);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"Try '{script} --help'", run.Stderr);
    }

    /// <summary>A check result in the function's shape (<c>name</c>, as pinned by InvokeScriptFields): migrator may create in app; app may not, unless <paramref name="appRefused"/> says what it did.</summary>
    private static object CheckResult(string? appRefused) => new
    {
        passed = appRefused is null,
        assertions = new[]
        {
            new { role = "migrator", name = "can create a table in app", passed = true, detail = (string?)null },
            new { role = "app", name = "cannot create in app", passed = appRefused is null, detail = appRefused },
        },
    };

    private static object PlanWithChanges() => new
    {
        changes = new[]
        {
            new { description = "create role migrator", sql = "CREATE ROLE \"migrator\" LOGIN" },
            new { description = "create schema app", sql = "CREATE SCHEMA \"app\" AUTHORIZATION \"migrator\"" },
        },
    };
}
