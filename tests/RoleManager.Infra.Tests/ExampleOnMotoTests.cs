using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The example root module (VPC, Aurora PostgreSQL, Secrets Manager endpoint, role manager) applied
/// against moto through a provider override file, then the check script run the way the guide runs it.
/// </summary>
public sealed class ExampleOnMotoTests : IDisposable
{
    private const string Region = "eu-west-1";
    private readonly TempDirectory _temp = new("rm-infra-example-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_example_applies_against_moto_wires_the_function_to_the_cluster_and_the_check_script_finds_it_through_terraform_output()
    {
        _ = Tools.Terraform;
        _ = Tools.Aws;
        using var moto = MotoServer.Start(new Dictionary<string, string> { ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true" });
        var endpoint = moto.Endpoint.ToString().TrimEnd('/');
        var (tf, example) = await ExampleOnMoto.PrepareAsync(_temp, moto, endpoint, Region);
        var zip = Repo.WriteDummyLambdaZip(_temp.Path);
        string[] vars = ["-var", $"lambda_zip_path={zip}", "-var", $"region={Region}"];

        var apply = await tf.MustAsync(["apply", "-auto-approve", "-input=false", "-no-color", .. vars]);
        var outputs = await tf.OutputsAsync();
        string Output(string name) => outputs[name]!["value"]!.ToString();

        var aws = new ReferenceAwsCli(moto, _temp.Path, Region);
        var function = await aws.JsonAsync("lambda", "get-function-configuration", "--function-name", Output("role_manager_function_name"));
        var cluster = (await aws.JsonAsync("rds", "describe-db-clusters", "--db-cluster-identifier", "role-manager-demo"))["DBClusters"]![0]!;
        var endpoints = (await aws.JsonAsync("ec2", "describe-vpc-endpoints"))["VpcEndpoints"]!.AsArray();
        var functionGroup = (await aws.JsonAsync("ec2", "describe-security-groups", "--group-ids", Output("role_manager_security_group_id")))["SecurityGroups"]![0]!;
        var roleName = Output("role_manager_role_arn").Split('/')[^1];
        // The function's access policy (<name>-access); the runtime and role-password policies are separate.
        var policyName = (await aws.JsonAsync("iam", "list-role-policies", "--role-name", roleName))["PolicyNames"]!.AsArray()
            .Select(n => n!.ToString()).Single(n => n.EndsWith("-access", StringComparison.Ordinal));
        var policy = ModuleOnMotoFixture.PolicyDocument((await aws.JsonAsync("iam", "get-role-policy", "--role-name", roleName, "--policy-name", policyName))["PolicyDocument"]!);

        var schedule = await aws.JsonAsync("scheduler", "get-schedule", "--name", $"{Output("role_manager_function_name")}-check");
        var alarms = (await aws.JsonAsync("cloudwatch", "describe-alarms", "--alarm-name-prefix", Output("role_manager_function_name")))["MetricAlarms"]!.AsArray();
        var versioning = await aws.JsonAsync("s3api", "get-bucket-versioning", "--bucket", Output("evidence_bucket_name"));

        var scriptEnvironment = Scripts.Environment(endpoint, _temp.Path);
        scriptEnvironment["AWS_REGION"] = null; // the script takes the region from terraform output
        scriptEnvironment["AWS_DEFAULT_REGION"] = null;
        scriptEnvironment["TF_CLI_CONFIG_FILE"] = Path.Combine(_temp.Path, "terraformrc");
        var check = await Scripts.RunAsync(Scripts.Check, scriptEnvironment, _temp.Path, "--terraform-dir", example);

        var destroy = await tf.RunAsync(["destroy", "-auto-approve", "-input=false", "-no-color", .. vars]);

        // The cluster: master password managed by RDS in Secrets Manager, IAM database authentication on.
        Assert.True(cluster["IAMDatabaseAuthenticationEnabled"]!.GetValue<bool>());
        Assert.Equal(Output("master_user_secret_arn"), cluster["MasterUserSecret"]!["SecretArn"]!.ToString());
        Assert.Equal("aurora-postgresql", cluster["Engine"]!.ToString());

        // The function points at that cluster and that secret.
        var variables = function["Environment"]!["Variables"]!;
        Assert.Equal(Output("cluster_endpoint"), variables["DB_HOST"]!.ToString());
        Assert.Equal(Output("master_user_secret_arn"), variables["DB_PASSWORD_SECRET_ARN"]!.ToString());
        Assert.Equal("postgres", variables["DB_USER"]!.ToString());
        Assert.Equal("app", variables["DB_NAME"]!.ToString());
        Assert.Equal(
            outputs["private_subnet_ids"]!["value"]!.AsArray().Select(s => s!.ToString()).Order(),
            function["VpcConfig"]!["SubnetIds"]!.AsArray().Select(s => s!.ToString()).Order());

        // One function, one layout, two databases (issue 28): the cluster config names both; the second was created
        // through the Data API before the function could run.
        Assert.Equal(["app", "reports"], outputs["databases"]!["value"]!.AsArray().Select(d => d!.ToString()));
        Assert.Contains("terraform_data.extra_databases (local-exec): database reports created", apply.Stdout);
        var layout = variables["ROLE_MANAGER_CONFIG"]!.ToString();
        Assert.Matches("""(?m)^"databases":\n- "name": "app"\n(.|\n)*^- "name": "reports"$""", layout);

        // The daily check (issue 31): the schedule invokes this function with {"action":"check"}, the evidence goes to
        // a versioned bucket under role-manager/, and failed checks, gained access and errors raise alarms on the topic.
        Assert.Equal("rate(1 day)", schedule["ScheduleExpression"]!.ToString());
        Assert.Equal(function["FunctionArn"]!.ToString(), schedule["Target"]!["Arn"]!.ToString());
        Assert.Equal("""{"action":"check"}""", schedule["Target"]!["Input"]!.ToString());
        Assert.Equal(Output("evidence_bucket_name"), variables["ROLE_MANAGER_EVIDENCE_BUCKET"]!.ToString());
        Assert.Equal("role-manager/", variables["ROLE_MANAGER_EVIDENCE_PREFIX"]!.ToString());
        Assert.Equal("Enabled", versioning["Status"]!.ToString());
        Assert.Equal(3, alarms.Count);
        Assert.All(alarms, a => Assert.Equal([Output("alarm_topic_arn")], a!["AlarmActions"]!.AsArray().Select(t => t!.ToString())));

        // IAM auth tokens only for the cluster's app and migrator users.
        var connect = policy["Statement"]!.AsArray().Single(s => s!["Action"]!.ToString() == "rds-db:connect")!;
        Assert.Equal(
            new[] { "app", "migrator" }.Select(u => $"arn:aws:rds-db:{Region}:123456789012:dbuser:{Output("cluster_resource_id")}/{u}").Order(),
            connect["Resource"]!.AsArray().Select(r => r!.ToString()).Order());

        // Secrets Manager is reached through the interface endpoint, and only there on 443.
        var secretsEndpoint = Assert.Single(endpoints, e => e!["ServiceName"]!.ToString() == $"com.amazonaws.{Region}.secretsmanager")!;
        Assert.Equal("Interface", secretsEndpoint["VpcEndpointType"]!.ToString());
        Assert.True(secretsEndpoint["PrivateDnsEnabled"]!.GetValue<bool>());
        var endpointGroup = Assert.Single(secretsEndpoint["Groups"]!.AsArray())!["GroupId"]!.ToString();
        var https = Assert.Single(functionGroup["IpPermissionsEgress"]!.AsArray(), p => p!["FromPort"]!.GetValue<int>() == 443)!;
        Assert.Empty(https["IpRanges"]!.AsArray());
        Assert.Equal([endpointGroup], https["UserIdGroupPairs"]!.AsArray().Select(g => g!["GroupId"]!.ToString()));

        // The guide's check step finds the function (and region) through terraform output.
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains($"==> Invoking {Output("role_manager_function_name")}: check", check.Stderr);

        Assert.True(destroy.ExitCode == 0, destroy.ToString());
    }
}
