using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>
/// Fixtures/moto-root with compliance = true applied against moto_server: the module with check_schedule = "rate(1 day)",
/// an evidence bucket it creates (Object Lock, 30 days), evidence_prefix "audit/appdb/" and an e-mail subscription. Records
/// what moto then holds (moto 5.2 keeps schedules, metric filters, alarms, topics and every bucket setting used here), destroys
/// everything and records what is left. One apply/destroy serves every test in <see cref="ComplianceOnMotoTests"/>.
/// </summary>
public sealed class ComplianceOnMotoFixture : IAsyncLifetime
{
    public const string FunctionName = "role-manager-test";
    public const string Prefix = "audit/appdb/";

    private readonly TempDirectory _temp = new("rm-infra-compliance-");
    private MotoServer? _moto;

    public JsonNode Outputs { get; private set; } = new JsonObject();
    public JsonObject Function { get; private set; } = new();
    public JsonObject Schedule { get; private set; } = new();
    public JsonObject SchedulerTrust { get; private set; } = new();
    public IReadOnlyDictionary<string, JsonObject> SchedulerPolicies { get; private set; } = new Dictionary<string, JsonObject>();
    public IReadOnlyDictionary<string, JsonObject> FunctionPolicies { get; private set; } = new Dictionary<string, JsonObject>();
    public Dictionary<string, JsonNode> Bucket { get; } = new(StringComparer.Ordinal);
    public JsonArray MetricFilters { get; private set; } = [];
    public JsonArray Alarms { get; private set; } = [];
    public JsonObject TopicAttributes { get; private set; } = new();
    public JsonArray Subscriptions { get; private set; } = [];
    public JsonObject TopicKeyPolicy { get; private set; } = new();
    public ProcessResult? Destroy { get; private set; }
    public JsonArray BucketsAfterDestroy { get; private set; } = [];
    public JsonArray SchedulesAfterDestroy { get; private set; } = [];
    public JsonArray AlarmsAfterDestroy { get; private set; } = [];
    public JsonArray TopicsAfterDestroy { get; private set; } = [];

    public string Output(string name) => Outputs[name]?["value"]?.ToString()
        ?? throw new InvalidOperationException($"no terraform output {name}");

    public async Task InitializeAsync()
    {
        _ = Tools.Terraform;
        _ = Tools.Aws;
        _moto = MotoServer.Start(new Dictionary<string, string>());
        var (tf, vars, _, outputs) = await FixtureRoots.ApplyMotoRootAsync(_temp, _moto, "-var", "compliance=true");
        Outputs = outputs;
        var aws = new ReferenceAwsCli(_moto, _temp.Path);

        Function = (await aws.JsonAsync("lambda", "get-function-configuration", "--function-name", FunctionName)).AsObject();
        Schedule = (await aws.JsonAsync("scheduler", "get-schedule", "--name", $"{FunctionName}-check")).AsObject();
        var schedulerRole = Schedule["Target"]!["RoleArn"]!.ToString().Split('/')[^1];
        SchedulerTrust = PolicyJson.Document((await aws.JsonAsync("iam", "get-role", "--role-name", schedulerRole))["Role"]!["AssumeRolePolicyDocument"]!);
        SchedulerPolicies = await InlinePoliciesAsync(aws, schedulerRole);
        FunctionPolicies = await InlinePoliciesAsync(aws, Output("role_name"));

        var bucket = Output("evidence_bucket_name");
        foreach (var call in new[] { "get-bucket-versioning", "get-bucket-encryption", "get-public-access-block", "get-bucket-policy", "get-object-lock-configuration", "get-bucket-ownership-controls" })
            Bucket[call] = await aws.JsonAsync("s3api", call, "--bucket", bucket);

        MetricFilters = (await aws.JsonAsync("logs", "describe-metric-filters", "--log-group-name", $"/aws/lambda/{FunctionName}"))["metricFilters"]!.AsArray();
        Alarms = (await aws.JsonAsync("cloudwatch", "describe-alarms", "--alarm-name-prefix", FunctionName))["MetricAlarms"]!.AsArray();
        TopicAttributes = (await aws.JsonAsync("sns", "get-topic-attributes", "--topic-arn", Output("alarm_topic_arn")))["Attributes"]!.AsObject();
        Subscriptions = (await aws.JsonAsync("sns", "list-subscriptions-by-topic", "--topic-arn", Output("alarm_topic_arn")))["Subscriptions"]!.AsArray();
        TopicKeyPolicy = PolicyJson.Document((await aws.JsonAsync("kms", "get-key-policy", "--key-id", TopicAttributes["KmsMasterKeyId"]!.ToString(), "--policy-name", "default"))["Policy"]!);

        Destroy = await tf.RunAsync(["destroy", "-auto-approve", "-input=false", "-no-color", .. vars]);
        BucketsAfterDestroy = (await aws.JsonAsync("s3api", "list-buckets"))["Buckets"]?.AsArray() ?? [];
        SchedulesAfterDestroy = (await aws.JsonAsync("scheduler", "list-schedules"))["Schedules"]!.AsArray();
        AlarmsAfterDestroy = (await aws.JsonAsync("cloudwatch", "describe-alarms"))["MetricAlarms"]!.AsArray();
        TopicsAfterDestroy = (await aws.JsonAsync("sns", "list-topics"))["Topics"]!.AsArray();
    }

    public Task DisposeAsync()
    {
        _moto?.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<Dictionary<string, JsonObject>> InlinePoliciesAsync(ReferenceAwsCli aws, string roleName)
    {
        var policies = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var name in (await aws.JsonAsync("iam", "list-role-policies", "--role-name", roleName))["PolicyNames"]!.AsArray())
        {
            var policy = await aws.JsonAsync("iam", "get-role-policy", "--role-name", roleName, "--policy-name", name!.ToString());
            policies[name.ToString()] = PolicyJson.Document(policy["PolicyDocument"]!);
        }
        return policies;
    }
}
