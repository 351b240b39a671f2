using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using static RoleManager.Infra.Tests.Support.PolicyJson;

namespace RoleManager.Infra.Tests;

/// <summary>
/// Issue 31, the module side, applied against moto: the scheduled check, the evidence bucket and the function's access to
/// it, the metric filters on the function's log (the patterns of the function's contract, character for character), the
/// alarms and the topic they notify. moto stores metric filters but never evaluates them (it has no TestMetricFilter), so the
/// patterns are compared as text with the log line the function writes.
/// </summary>
public sealed class ComplianceOnMotoTests(ComplianceOnMotoFixture applied) : IClassFixture<ComplianceOnMotoFixture>
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";
    private const string Function = ComplianceOnMotoFixture.FunctionName;
    private const string Prefix = ComplianceOnMotoFixture.Prefix;

    private string BucketArn => $"arn:aws:s3:::{applied.Output("evidence_bucket_name")}";

    [Fact]
    public void The_schedule_runs_the_check_on_the_function_daily_through_its_own_role()
    {
        var schedule = applied.Schedule;
        Assert.Equal(applied.Output("check_schedule_arn"), schedule["Arn"]!.ToString());
        Assert.Equal("rate(1 day)", schedule["ScheduleExpression"]!.ToString());
        Assert.Equal("ENABLED", schedule["State"]!.ToString());
        Assert.Equal("OFF", schedule["FlexibleTimeWindow"]!["Mode"]!.ToString());
        var target = schedule["Target"]!;
        Assert.Equal(applied.Output("function_arn"), target["Arn"]!.ToString());
        Assert.Equal("""{"action":"check"}""", JsonNode.Parse(target["Input"]!.ToString())!.ToJsonString());
        Assert.Equal($"arn:aws:iam::{Account}:role/{Function}-scheduler", target["RoleArn"]!.ToString());
    }

    [Fact]
    public void The_scheduler_role_is_assumed_by_scheduler_of_this_account_and_may_only_invoke_this_function()
    {
        var trust = Assert.Single(Statements(applied.SchedulerTrust));
        Assert.Equal(["sts:AssumeRole"], Strings(trust["Action"]));
        Assert.Equal(["scheduler.amazonaws.com"], Strings(trust["Principal"]!["Service"]));
        Assert.Equal(Account, trust["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToString());

        var policy = Assert.Single(applied.SchedulerPolicies).Value;
        var invoke = Assert.Single(Statements(policy));
        Assert.Equal("Allow", invoke["Effect"]!.ToString());
        Assert.Equal(["lambda:InvokeFunction"], Strings(invoke["Action"]));
        Assert.Equal([applied.Output("function_arn")], Strings(invoke["Resource"]));
    }

    [Fact]
    public void The_function_is_told_the_evidence_bucket_and_prefix_and_no_key_when_the_bucket_uses_sse_s3()
    {
        var variables = applied.Function["Environment"]!["Variables"]!.AsObject();
        Assert.Equal(applied.Output("evidence_bucket_name"), variables["ROLE_MANAGER_EVIDENCE_BUCKET"]!.ToString());
        Assert.Equal(Prefix, variables["ROLE_MANAGER_EVIDENCE_PREFIX"]!.ToString());
        Assert.False(variables.ContainsKey("ROLE_MANAGER_EVIDENCE_KMS_KEY_ARN"));
        Assert.StartsWith($"{Function}-evidence-", applied.Output("evidence_bucket_name"));
    }

    [Fact]
    public void The_function_may_put_get_and_list_evidence_under_its_prefix_only_and_never_delete()
    {
        var evidence = Assert.Single(applied.FunctionPolicies, p => p.Key == $"{Function}-evidence").Value;
        var statements = Statements(evidence);
        Assert.Equal(2, statements.Count); // no KMS statement: SSE-S3
        Assert.All(statements, s =>
        {
            Assert.Equal("Allow", s["Effect"]!.ToString());
            Assert.Null(s["NotAction"]);
            Assert.Null(s["NotResource"]);
        });

        var objects = Statement(evidence, "WriteAndReadEvidenceUnderPrefix");
        Assert.Equal(["s3:GetObject", "s3:PutObject"], Strings(objects["Action"]).Order(StringComparer.Ordinal));
        Assert.Equal([$"{BucketArn}/{Prefix}*"], Strings(objects["Resource"]));
        Assert.Null(objects["Condition"]);

        var list = Statement(evidence, "ListEvidenceUnderPrefix");
        Assert.Equal(["s3:ListBucket"], Strings(list["Action"]));
        Assert.Equal([BucketArn], Strings(list["Resource"]));
        Assert.Equal([$"{Prefix}*"], Strings(list["Condition"]!["StringLike"]!["s3:prefix"]));

        // Across every policy of the function's role: S3 only through the two statements above.
        var s3 = applied.FunctionPolicies.Values.SelectMany(Statements)
            .SelectMany(s => Strings(s["Action"]).Select(a => (Action: a, Resources: Strings(s["Resource"])))).Where(a => a.Action.StartsWith("s3:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["s3:GetObject", "s3:ListBucket", "s3:PutObject"], s3.Select(a => a.Action).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(s3, a => a.Action.Contains('*') || a.Action.Contains("Delete", StringComparison.Ordinal));
        Assert.All(s3.SelectMany(a => a.Resources), r => Assert.StartsWith(BucketArn, r));
        Assert.DoesNotContain(s3.SelectMany(a => a.Resources), r => r == "*" || r.StartsWith("arn:aws:s3:::*", StringComparison.Ordinal));
    }

    [Fact]
    public void The_bucket_is_versioned_encrypted_private_tls_only_without_acls_and_locked_for_thirty_days()
    {
        Assert.Equal("Enabled", applied.Bucket["get-bucket-versioning"]["Status"]!.ToString());
        var encryption = Assert.Single(applied.Bucket["get-bucket-encryption"]["ServerSideEncryptionConfiguration"]!["Rules"]!.AsArray())!;
        Assert.Equal("AES256", encryption["ApplyServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.ToString());

        var block = applied.Bucket["get-public-access-block"]["PublicAccessBlockConfiguration"]!.AsObject();
        Assert.Equal(4, block.Count);
        Assert.All(block, setting => Assert.True(setting.Value!.GetValue<bool>(), setting.Key));
        Assert.Equal("BucketOwnerEnforced", Assert.Single(applied.Bucket["get-bucket-ownership-controls"]["OwnershipControls"]!["Rules"]!.AsArray())!["ObjectOwnership"]!.ToString());

        var policy = Document(applied.Bucket["get-bucket-policy"]["Policy"]!);
        var deny = Assert.Single(Statements(policy));
        Assert.Equal("Deny", deny["Effect"]!.ToString());
        Assert.Equal(["s3:*"], Strings(deny["Action"]));
        Assert.Equal("*", deny["Principal"]!.ToString());
        Assert.Equal([BucketArn, $"{BucketArn}/*"], Strings(deny["Resource"]).Order(StringComparer.Ordinal));
        Assert.Equal("false", deny["Condition"]!["Bool"]!["aws:SecureTransport"]!.ToString());

        var lockConfiguration = applied.Bucket["get-object-lock-configuration"]["ObjectLockConfiguration"]!;
        Assert.Equal("Enabled", lockConfiguration["ObjectLockEnabled"]!.ToString());
        Assert.Equal("GOVERNANCE", lockConfiguration["Rule"]!["DefaultRetention"]!["Mode"]!.ToString());
        Assert.Equal(30, lockConfiguration["Rule"]!["DefaultRetention"]!["Days"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("FailedChecks", """{ $.event = "compliance" && $.outcome = "fail" }""", "1")]
    [InlineData("AccessGained", """{ $.event = "compliance" && $.accessGained > 0 }""", "$.accessGained")]
    public void A_metric_filter_on_the_function_log_counts_the_compliance_lines(string metric, string pattern, string value)
    {
        var filter = Assert.Single(applied.MetricFilters, f => f!["metricTransformations"]![0]!["metricName"]!.ToString() == metric)!;
        Assert.Equal($"/aws/lambda/{Function}", filter["logGroupName"]!.ToString());
        Assert.Equal(pattern, filter["filterPattern"]!.ToString());
        var transformation = Assert.Single(filter["metricTransformations"]!.AsArray())!;
        Assert.Equal("RoleManager", transformation["metricNamespace"]!.ToString());
        Assert.Equal(value, transformation["metricValue"]!.ToString());
        Assert.Equal(2, applied.MetricFilters.Count);
    }

    [Fact]
    public void A_failed_check_gained_access_or_a_function_error_raises_an_alarm_on_the_topic_the_module_created()
    {
        var topic = applied.Output("alarm_topic_arn");
        Assert.Equal($"arn:aws:sns:{Region}:{Account}:{Function}-compliance", topic);
        var alarms = applied.Alarms.Select(a => a!).ToDictionary(a => a["AlarmName"]!.ToString(), StringComparer.Ordinal);
        Assert.Equal([$"{Function}-AccessGained", $"{Function}-Errors", $"{Function}-FailedChecks"], alarms.Keys.Order(StringComparer.Ordinal));

        foreach (var (name, alarm) in alarms)
        {
            Assert.Equal([topic], Strings(alarm["AlarmActions"]));
            Assert.Equal([topic], Strings(alarm["OKActions"]));
            Assert.Equal("GreaterThanThreshold", alarm["ComparisonOperator"]!.ToString());
            Assert.Equal(0, alarm["Threshold"]!.GetValue<double>());
            Assert.Equal("Sum", alarm["Statistic"]!.ToString());
            Assert.Equal("notBreaching", alarm["TreatMissingData"]!.ToString());
            Assert.True(alarm["ActionsEnabled"]!.GetValue<bool>(), name);
        }
        Assert.Equal(("RoleManager", "FailedChecks"), (alarms[$"{Function}-FailedChecks"]["Namespace"]!.ToString(), alarms[$"{Function}-FailedChecks"]["MetricName"]!.ToString()));
        Assert.Equal(("RoleManager", "AccessGained"), (alarms[$"{Function}-AccessGained"]["Namespace"]!.ToString(), alarms[$"{Function}-AccessGained"]["MetricName"]!.ToString()));
        var errors = alarms[$"{Function}-Errors"];
        Assert.Equal(("AWS/Lambda", "Errors"), (errors["Namespace"]!.ToString(), errors["MetricName"]!.ToString()));
        var dimension = Assert.Single(errors["Dimensions"]!.AsArray())!;
        Assert.Equal(("FunctionName", Function), (dimension["Name"]!.ToString(), dimension["Value"]!.ToString()));

        Assert.Equal(
            JsonNode.Parse(applied.Outputs["compliance_alarm_arns"]!["value"]!.ToJsonString())!.AsObject().Select(p => p.Value!.ToString()).Order(StringComparer.Ordinal),
            alarms.Values.Select(a => a["AlarmArn"]!.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_topic_is_encrypted_with_a_key_cloudwatch_may_use_only_this_functions_alarms_publish_and_the_dba_is_subscribed()
    {
        var topic = applied.Output("alarm_topic_arn");
        Assert.StartsWith($"arn:aws:kms:{Region}:{Account}:key/", applied.TopicAttributes["KmsMasterKeyId"]!.ToString());

        var keyPolicy = Statement(applied.TopicKeyPolicy, "CloudWatchPublishesEncrypted");
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey*"], Strings(keyPolicy["Action"]).Order(StringComparer.Ordinal));
        Assert.Equal(["cloudwatch.amazonaws.com"], Strings(keyPolicy["Principal"]!["Service"]));
        Assert.Equal(Account, keyPolicy["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToString());

        var topicPolicy = Document(applied.TopicAttributes["Policy"]!);
        var publish = Statement(topicPolicy, "CloudWatchAlarmsOfThisFunctionPublish");
        Assert.Equal(["sns:Publish"], Strings(publish["Action"]));
        Assert.Equal([topic], Strings(publish["Resource"]));
        Assert.Equal(["cloudwatch.amazonaws.com"], Strings(publish["Principal"]!["Service"]));
        Assert.Equal($"arn:aws:cloudwatch:{Region}:{Account}:alarm:{Function}-*", publish["Condition"]!["ArnLike"]!["aws:SourceArn"]!.ToString());
        Assert.DoesNotContain(Statements(topicPolicy), s => s["Effect"]!.ToString() == "Allow" && s["Principal"]?.ToString() == "*");

        var subscription = Assert.Single(applied.Subscriptions)!;
        Assert.Equal(("email", "dba@example.com"), (subscription["Protocol"]!.ToString(), subscription["Endpoint"]!.ToString()));
    }

    [Fact]
    public void Terraform_destroy_removes_the_schedule_the_bucket_the_alarms_and_the_topic()
    {
        Assert.True(applied.Destroy is { ExitCode: 0 }, applied.Destroy?.ToString());
        Assert.Empty(applied.SchedulesAfterDestroy);
        Assert.Empty(applied.BucketsAfterDestroy);
        Assert.Empty(applied.AlarmsAfterDestroy);
        Assert.Empty(applied.TopicsAfterDestroy);
    }
}
