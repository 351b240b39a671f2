using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The module planned once (against moto, for its data sources) from a root that gives what the fixtures do not:
/// <c>environment_variables</c> that try to replace a module variable and the trust store, a schedule, and the run
/// on apply. The module README's claims about them are read from the plan (what Terraform would send to AWS).
/// </summary>
public sealed class InfraDocClaimsPlan : IAsyncLifetime
{
    public const string FunctionName = "doc-claims";
    private readonly TempDirectory _temp = new("rm-infra-doc-plan-");
    private MotoServer? _moto;

    public JsonNode Plan { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _moto = MotoServer.Start(new Dictionary<string, string>());
        _ = Tools.Terraform;
        Repo.CopyTree(Repo.Infra, _temp.Combine("infra"));
        Repo.CopyTree(Path.Combine(Repo.Fixtures, "moto-network"), _temp.Combine("moto-network"));
        var root = Directory.CreateDirectory(_temp.Combine("root")).FullName;
        File.Copy(Path.Combine(Repo.Fixtures, "moto-provider.tf"), Path.Combine(root, "moto-provider.tf"));
        await File.WriteAllTextAsync(Path.Combine(root, "main.tf"), $$"""
            variable "lambda_zip_path" { type = string }
            variable "additional_iam_db_users" {
              type    = list(string)
              default = []
            }
            variable "role_manager_config" {
              type    = string
              default = null
            }
            output "run_triggers" { value = module.role_manager.run_triggers }

            module "network" {
              source             = "../moto-network"
              name               = "docs"
              cidr_block         = "10.43.0.0/16"
              availability_zones = ["us-east-1a", "us-east-1b"]
            }

            module "role_manager" {
              source                     = "../infra/modules/role-manager"
              function_name              = "{{FunctionName}}"
              lambda_zip_path            = var.lambda_zip_path
              vpc_id                     = module.network.vpc_id
              subnet_ids                 = module.network.subnet_ids
              database_security_group_id = module.network.database_security_group_id
              db_host                    = "db.example.internal"
              db_name                    = "appdb"
              db_master_username         = "postgres"
              db_password_secret_arn     = "arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf"
              db_resource_id             = "cluster-DOCS"
              additional_iam_db_users    = var.additional_iam_db_users
              role_manager_config        = var.role_manager_config
              allow_event_config         = true
              # The README: the module's own variables win, but SSL_CERT_FILE / SSL_CERT_DIR given here replace the module's.
              environment_variables = {
                DB_HOST       = "somewhere-else.example"
                SSL_CERT_FILE = "/etc/pki/tls/cert.pem"
                SSL_CERT_DIR  = "/etc/pki/tls/certs"
                EXTRA_SETTING = "kept"
              }
              check_schedule = "rate(1 day)"
            }
            """);
        _tf = new Terraform(root, _temp.Path);
        await _tf.InitAsync();
        var zip = Repo.WriteDummyLambdaZip(Directory.CreateDirectory(_temp.Combine("zip")).FullName);
        _vars = ["-var", $"endpoint={_moto.Endpoint.ToString().TrimEnd('/')}", "-var", $"lambda_zip_path={zip}"];
        Plan = await PlanJsonAsync();
    }

    private Terraform? _tf;
    private string[] _vars = [];

    /// <summary>A plan of the root with more <c>-var</c> arguments (they run one at a time: one working directory).</summary>
    public Task<ProcessResult> PlanAsync(params string[] variables) =>
        _tf!.RunAsync(["plan", "-input=false", "-no-color", "-out", "tfplan", .. _vars, .. variables]);

    public async Task<JsonNode> PlanJsonAsync(params string[] variables)
    {
        var plan = await PlanAsync(variables);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        return await _tf!.ShowJsonAsync("tfplan");
    }

    /// <summary>The planned values of the module's resource <paramref name="address"/> (e.g. <c>aws_lambda_function.this</c>).</summary>
    public JsonNode After(string address) =>
        Changes.Single(c => c["address"]!.ToString() == $"module.role_manager.{address}")["change"]!["after"]!;

    public IEnumerable<JsonNode> Changes => Plan["resource_changes"]!.AsArray().Select(c => c!);

    public Task DisposeAsync()
    {
        _moto?.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class InfraDocClaimsPlanTests(InfraDocClaimsPlan planned) : IClassFixture<InfraDocClaimsPlan>
{
    [Fact]
    public void The_modules_own_variables_win_over_environment_variables_but_ssl_cert_file_and_dir_given_there_replace_the_modules()
    {
        var variables = planned.After("aws_lambda_function.this")["environment"]![0]!["variables"]!;

        Assert.Equal("db.example.internal", variables["DB_HOST"]!.ToString());
        Assert.Equal("/etc/pki/tls/cert.pem", variables["SSL_CERT_FILE"]!.ToString());
        Assert.Equal("/etc/pki/tls/certs", variables["SSL_CERT_DIR"]!.ToString());
        Assert.Equal("kept", variables["EXTRA_SETTING"]!.ToString());
        // allow_event_config = true is the one switch for event configs.
        Assert.Equal("true", variables["ROLE_MANAGER_ALLOW_EVENT_CONFIG"]!.ToString());
        // No password in the environment: the master secret is named, never its value.
        Assert.DoesNotContain(variables.AsObject(), v => v.Key.Contains("PASSWORD", StringComparison.Ordinal) && v.Key != "DB_PASSWORD_SECRET_ARN");
    }

    [Fact]
    public void The_module_creates_an_environment_key_with_rotation_and_an_execution_role_named_after_the_function()
    {
        var key = planned.After("aws_kms_key.environment[0]");
        Assert.True(key["enable_key_rotation"]!.GetValue<bool>());
        Assert.Equal(30, key["deletion_window_in_days"]!.GetValue<int>());
        Assert.Equal($"{InfraDocClaimsPlan.FunctionName}-lambda", planned.After("aws_iam_role.this")["name"]!.ToString());
        Assert.Equal($"/aws/lambda/{InfraDocClaimsPlan.FunctionName}", planned.After("aws_cloudwatch_log_group.this")["name"]!.ToString());
    }

    [Fact]
    public void The_schedule_has_no_flexible_window_and_three_retries_within_an_hour()
    {
        var schedule = planned.Changes.Single(c => c["type"]!.ToString() == "aws_scheduler_schedule")["change"]!["after"]!;
        Assert.Equal("OFF", schedule["flexible_time_window"]![0]!["mode"]!.ToString());
        var retry = schedule["target"]![0]!["retry_policy"]![0]!;
        Assert.Equal(3, retry["maximum_retry_attempts"]!.GetValue<int>());
        Assert.Equal(3600, retry["maximum_event_age_in_seconds"]!.GetValue<int>());
    }

    [Fact]
    public void The_run_on_apply_invokes_manage_on_create_only_and_no_resource_policy_lets_anyone_else_invoke()
    {
        var manage = planned.After("aws_lambda_invocation.manage[0]");
        Assert.Equal("""{"action":"manage"}""", manage["input"]!.ToString());
        // CREATE_ONLY: invoked when created or replaced (a trigger changed), never on destroy.
        Assert.Equal("CREATE_ONLY", manage["lifecycle_scope"]!.ToString());
        Assert.Equal(["code_hash", "config_hash", "database", "databases", "settings_hash"],
            manage["triggers"]!.AsObject().Select(t => t.Key).Order(StringComparer.Ordinal));

        // Without password_roles the module adds no resource-based policy and no function URL.
        Assert.DoesNotContain(planned.Changes, c => c["type"]!.ToString() is "aws_lambda_permission" or "aws_lambda_function_url");
    }

    [Fact]
    public async Task The_config_hash_compares_the_decoded_layout_so_comments_and_formatting_do_not_count()
    {
        const string Block = "database: appdb\nroles:\n  - name: migrator\n  - name: app\n";
        const string Commented = "# the same layout, written otherwise\ndatabase:   appdb   # this database\nroles: [ { name: migrator }, { name: app } ]\n";
        const string Json = """{"database": "appdb", "roles": [{"name": "migrator"}, {"name": "app"}]}""";
        const string Other = "database: appdb\nroles:\n  - name: migrator\n  - name: app\n  - name: reporting\n";

        var hashes = new List<string>();
        foreach (string config in new[] { Block, Commented, Json, Other })
            hashes.Add((await planned.PlanJsonAsync("-var", $"role_manager_config={config}"))["output_changes"]!["run_triggers"]!["after"]!["config_hash"]!.ToString());

        Assert.Matches("^[0-9a-f]{64}$", hashes[0]);
        Assert.Equal([hashes[0], hashes[0], hashes[0]], hashes.Take(3));
        Assert.NotEqual(hashes[0], hashes[3]);
    }

    [Fact]
    public async Task A_user_name_with_a_wildcard_for_an_rds_db_connect_arn_stops_the_plan_naming_it()
    {
        var plan = await planned.PlanAsync("-var", """additional_iam_db_users=["ops*", "reporting"]""");

        Assert.Equal(1, plan.ExitCode);
        string said = string.Join(' ', plan.Stderr.Split((char[])[' ', '\n', '\r', '│'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("These user names cannot go into an rds-db:connect ARN", said, StringComparison.Ordinal);
        Assert.Contains("no * or ? wildcards): ops*.", said, StringComparison.Ordinal);
    }
}
