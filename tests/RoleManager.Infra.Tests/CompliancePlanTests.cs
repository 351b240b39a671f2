using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;
using static RoleManager.Infra.Tests.Support.PolicyJson;

namespace RoleManager.Infra.Tests;

/// <summary>Fixtures/moto-root initialised once, with moto_server for its data sources, for plans without an apply.</summary>
public sealed class MotoRootPlanner : IAsyncLifetime
{
    private readonly TempDirectory _temp = new("rm-infra-plan-");
    private MotoServer? _moto;
    private Terraform? _tf;
    private string[] _vars = [];

    public async Task InitializeAsync()
    {
        _moto = MotoServer.Start(new Dictionary<string, string>());
        _tf = await FixtureRoots.PrepareAsync(_temp, "moto-root");
        var zip = Repo.WriteDummyLambdaZip(Directory.CreateDirectory(_temp.Combine("zip")).FullName);
        _vars = ["-var", $"endpoint={_moto.Endpoint.ToString().TrimEnd('/')}", "-var", $"lambda_zip_path={zip}"];
    }

    public Task<ProcessResult> PlanAsync(params string[] variables) =>
        _tf!.RunAsync(["plan", "-input=false", "-no-color", "-out", "tfplan", .. _vars, .. variables]);

    /// <summary>The plan of these variables as <c>terraform show -json</c> prints it; throws when the plan fails.</summary>
    public async Task<JsonNode> PlanJsonAsync(params string[] variables)
    {
        var plan = await PlanAsync(variables);
        if (plan.ExitCode != 0)
            throw new InvalidOperationException($"terraform plan failed:\n{plan}");
        return await _tf!.ShowJsonAsync("tfplan");
    }

    public Task DisposeAsync()
    {
        _moto?.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// compliance.tf planned (not applied) through Fixtures/moto-root: off by default; an existing bucket with its own KMS key and
/// a given topic (nothing created for them, the function scoped to the prefix and the key); settings that cannot work fail the
/// plan saying what to change.
/// </summary>
public sealed class CompliancePlanTests(MotoRootPlanner planner) : IClassFixture<MotoRootPlanner>
{
    private const string Key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string Topic = "arn:aws:sns:us-east-1:123456789012:ops-alerts";

    private static readonly string[] ComplianceTypes =
    [
        "aws_scheduler_schedule", "aws_s3_bucket", "aws_sns_topic", "aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm",
    ];

    private static List<JsonNode> ModuleChanges(JsonNode plan) => plan["resource_changes"]!.AsArray()
        .Select(r => r!).Where(r => r["address"]!.ToString().StartsWith("module.role_manager.", StringComparison.Ordinal)).ToList();

    private static JsonNode After(JsonNode plan, string address) =>
        ModuleChanges(plan).Single(r => r["address"]!.ToString() == "module.role_manager." + address)["change"]!["after"]!;

    [Fact]
    public async Task Without_a_schedule_or_a_bucket_the_module_plans_no_schedule_no_evidence_access_and_no_alarms()
    {
        var plan = await planner.PlanJsonAsync();

        var changes = ModuleChanges(plan).Select(r => r["type"]!.ToString()).ToList();
        Assert.DoesNotContain(changes, type => ComplianceTypes.Any(t => type.StartsWith(t, StringComparison.Ordinal)));
        Assert.DoesNotContain(ModuleChanges(plan), r => r["address"]!.ToString().Contains("evidence", StringComparison.Ordinal) || r["address"]!.ToString().Contains("scheduler", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_existing_bucket_with_its_kms_key_and_a_given_topic_create_neither_and_scope_the_function_to_the_prefix_and_the_key()
    {
        var plan = await planner.PlanJsonAsync(
            "-var", $"evidence_bucket={{ create = false, name = \"audit-bucket\", kms_key_arn = \"{Key}\" }}",
            "-var", "evidence_prefix=prod/orders/",
            "-var", "check_schedule=cron(0 6 * * ? *)",
            "-var", $"alarm_sns_topic_arn={Topic}");

        var types = ModuleChanges(plan).Select(r => r["type"]!.ToString()).ToList();
        Assert.DoesNotContain(types, t => t.StartsWith("aws_s3_", StringComparison.Ordinal) || t.StartsWith("aws_sns_", StringComparison.Ordinal));
        Assert.DoesNotContain(ModuleChanges(plan), r => r["address"]!.ToString().Contains("aws_kms_key.alarms", StringComparison.Ordinal));

        var policy = Document(After(plan, "aws_iam_role_policy.evidence[0]")["policy"]!);
        Assert.Equal(3, Statements(policy).Count);
        var objects = Statement(policy, "WriteAndReadEvidenceUnderPrefix");
        Assert.Equal(["s3:GetObject", "s3:PutObject"], Strings(objects["Action"]).Order(StringComparer.Ordinal));
        Assert.Equal(["arn:aws:s3:::audit-bucket/prod/orders/*"], Strings(objects["Resource"]));
        var list = Statement(policy, "ListEvidenceUnderPrefix");
        Assert.Equal(["s3:ListBucket"], Strings(list["Action"]));
        Assert.Equal(["arn:aws:s3:::audit-bucket"], Strings(list["Resource"]));
        Assert.Equal(["prod/orders/*"], Strings(list["Condition"]!["StringLike"]!["s3:prefix"]));
        var key = Statement(policy, "EncryptEvidenceWithItsKey");
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], Strings(key["Action"]).Order(StringComparer.Ordinal));
        Assert.Equal([Key], Strings(key["Resource"]));
        Assert.Equal("s3.us-east-1.amazonaws.com", key["Condition"]!["StringEquals"]!["kms:ViaService"]!.ToString());
        Assert.All(Statements(policy), s => Assert.Equal("Allow", s["Effect"]!.ToString()));
        Assert.DoesNotContain(Statements(policy).SelectMany(s => Strings(s["Action"])), a => a.Contains('*') || a.Contains("Delete", StringComparison.Ordinal));

        foreach (var alarm in new[] { "aws_cloudwatch_metric_alarm.compliance[\"failed_checks\"]", "aws_cloudwatch_metric_alarm.compliance[\"access_gained\"]", "aws_cloudwatch_metric_alarm.compliance[\"function_errors\"]" })
            Assert.Equal([Topic], Strings(After(plan, alarm)["alarm_actions"]));

        var schedule = After(plan, "aws_scheduler_schedule.check[0]");
        Assert.Equal("cron(0 6 * * ? *)", schedule["schedule_expression"]!.ToString());
        Assert.Equal("UTC", schedule["schedule_expression_timezone"]!.ToString());
        Assert.Equal("""{"action":"check"}""", schedule["target"]![0]!["input"]!.ToString());
    }

    [Theory]
    [InlineData("evidence_prefix=audit", "evidence_prefix must be one or more path segments each ending with \"/\"")]
    [InlineData("evidence_prefix=/audit/", "evidence_prefix must be one or more path segments each ending with \"/\"")]
    [InlineData("evidence_prefix=audit/*/", "without * or ? (IAM would read them as wildcards)")]
    [InlineData("evidence_bucket={ create = false }", "give name (the existing bucket) with create = false")]
    [InlineData("evidence_bucket={ create = false, name = \"audit\", object_lock_retention_days = 30 }", "Object Lock can only be turned on at creation")]
    [InlineData("evidence_bucket={ create = true, name = \"s3://audit\" }", "evidence_bucket.name must be an S3 bucket name")]
    [InlineData("evidence_bucket={ create = true, object_lock_retention_days = 30, object_lock_mode = \"FOREVER\" }", "object_lock_mode must be GOVERNANCE")]
    [InlineData("evidence_bucket={ create = true, kms_key_arn = \"alias/audit\" }", "kms_key_arn must be a KMS key ARN")]
    [InlineData("check_schedule=daily", "check_schedule must be an EventBridge Scheduler expression")]
    [InlineData("alarm_sns_topic_arn=ops-alerts", "alarm_sns_topic_arn must be an SNS topic ARN")]
    [InlineData("compliance_metric_namespace=AWS/Lambda", "must not start with AWS/")]
    public async Task A_setting_that_cannot_work_is_refused_saying_what_to_change(string variable, string message)
    {
        var refused = await VariablesAsync(variable);

        Assert.Contains("Invalid value for variable", refused);
        Assert.Contains(message, Flat(refused));
    }

    [Theory]
    [InlineData("evidence_prefix=audit/prod/")]
    [InlineData("evidence_bucket={ create = false, name = \"audit.example-1\", kms_key_arn = \"arn:aws:kms:eu-west-1:123456789012:key/abc\" }")]
    [InlineData("evidence_bucket={ create = true, object_lock_retention_days = 365, object_lock_mode = \"COMPLIANCE\" }")]
    [InlineData("check_schedule=rate(12 hours)")]
    [InlineData("check_schedule=cron(0 6 * * ? *)")]
    [InlineData("compliance_metric_namespace=RoleManager/orders")]
    public async Task A_setting_that_works_is_accepted(string variable)
    {
        var accepted = await VariablesAsync(variable);

        Assert.DoesNotContain("Invalid value for variable", accepted);
    }

    private static readonly string[] ComplianceVariables =
        ["check_schedule", "evidence_bucket", "evidence_prefix", "alarm_sns_topic_arn", "compliance_metric_namespace"];

    /// <summary>
    /// What terraform console says of this -var against the module's own compliance variable declarations (their validations
    /// run without the provider, in a second, rather than a plan's twenty).
    /// </summary>
    private static async Task<string> VariablesAsync(string variable)
    {
        using var temp = new TempDirectory("rm-infra-vars-");
        await File.WriteAllTextAsync(temp.Combine("variables.tf"), string.Join("\n", ModuleVariables.Declarations(ComplianceVariables)));
        var tf = new Terraform(temp.Path, temp.Path);
        await tf.InitAsync(backend: false);
        var console = await tf.RunAsync(["console", "-no-color", "-var", variable], TimeSpan.FromMinutes(2), "1\n");
        return console.Stdout + console.Stderr;
    }

    /// <summary>Terraform wraps long error lines; compare text with single spaces.</summary>
    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '│'], StringSplitOptions.RemoveEmptyEntries));
}
