using System.Text.Json.Nodes;
using static RoleManager.Infra.Tests.Support.PolicyJson;

namespace RoleManager.Infra.Tests;

/// <summary>The role-manager module applied against moto: what AWS would hold, and least privilege.</summary>
public sealed class ModuleOnMotoTests(ModuleOnMotoFixture applied) : IClassFixture<ModuleOnMotoFixture>
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";

    [Fact]
    public void The_function_runs_the_bootstrap_binary_on_provided_al2023_from_the_given_zip()
    {
        Assert.Equal("provided.al2023", applied.Function["Runtime"]?.ToString());
        Assert.Equal("bootstrap", applied.Function["Handler"]?.ToString());
        Assert.Equal(["x86_64"], applied.Function["Architectures"]!.AsArray().Select(a => a!.ToString()));
        Assert.Equal(applied.ZipSha256Base64, applied.Function["CodeSha256"]?.ToString());
    }

    [Fact]
    public void The_function_has_the_default_timeout_and_memory_and_a_reserved_concurrency_of_one()
    {
        Assert.Equal(120, applied.Function["Timeout"]!.GetValue<int>());
        Assert.Equal(512, applied.Function["MemorySize"]!.GetValue<int>());
        Assert.Equal(1, applied.Concurrency["ReservedConcurrentExecutions"]!.GetValue<int>());
    }

    [Fact]
    public void The_function_runs_in_the_given_private_subnets_behind_its_own_security_group_only()
    {
        var vpc = applied.Function["VpcConfig"]!;
        var subnets = applied.Network("subnet_ids").AsArray().Select(s => s!.ToString()).Order();
        Assert.Equal(subnets, vpc["SubnetIds"]!.AsArray().Select(s => s!.ToString()).Order());
        Assert.Equal([applied.Output("security_group_id")], vpc["SecurityGroupIds"]!.AsArray().Select(s => s!.ToString()));
    }

    [Fact]
    public void The_function_environment_names_the_database_the_master_secret_the_roles_and_the_AWS_trust_store_and_nothing_else()
    {
        var variables = applied.Function["Environment"]!["Variables"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.ToString());
        var expected = new Dictionary<string, string>
        {
            ["DB_HOST"] = "test-cluster.cluster-abc.us-east-1.rds.amazonaws.com",
            ["DB_PORT"] = "5432",
            ["DB_NAME"] = "appdb",
            ["DB_USER"] = "postgres",
            ["DB_PASSWORD_SECRET_ARN"] = applied.Network("master_secret_arn").ToString(),
            ["DB_SCHEMA"] = "app",
            ["APP_USER"] = "app",
            ["MIGRATOR_USER"] = "migrator",
            // The zip's Amazon Trust Services roots, not the machine's CA store (assets/README.md).
            ["SSL_CERT_FILE"] = "/var/task/aws-trust/aws-roots.pem",
            ["SSL_CERT_DIR"] = "/var/task/aws-trust",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), variables.OrderBy(p => p.Key));
    }

    [Fact]
    public void The_environment_is_encrypted_with_the_module_kms_key_and_logs_go_to_the_log_group_as_json()
    {
        // moto keeps neither KMSKeyArn nor LoggingConfig, so this reads the CreateFunction request the provider sent.
        var request = applied.CreateFunctionRequest;
        Assert.Equal(applied.Output("environment_kms_key_arn"), request["KMSKeyArn"]?.ToString());
        Assert.StartsWith($"arn:aws:kms:{Region}:{Account}:key/", request["KMSKeyArn"]!.ToString());
        var logging = request["LoggingConfig"]!;
        Assert.Equal("JSON", logging["LogFormat"]?.ToString());
        Assert.Equal("/aws/lambda/" + ModuleOnMotoFixture.FunctionName, logging["LogGroup"]?.ToString());
        Assert.Equal("INFO", logging["ApplicationLogLevel"]?.ToString());
    }

    [Fact]
    public void The_log_group_exists_with_the_given_retention()
    {
        var group = Assert.Single(applied.LogGroups, g => g!["logGroupName"]!.ToString() == "/aws/lambda/" + ModuleOnMotoFixture.FunctionName);
        Assert.Equal(30, group!["retentionInDays"]!.GetValue<int>());
    }

    [Fact]
    public void The_function_security_group_reaches_only_the_database_port_and_https_inside_the_vpc()
    {
        Assert.Empty(applied.FunctionSecurityGroup["IpPermissions"]!.AsArray());
        var egress = applied.FunctionSecurityGroup["IpPermissionsEgress"]!.AsArray().Select(p => p!).ToList();
        Assert.Equal(2, egress.Count);
        Assert.All(egress, p =>
        {
            Assert.Equal("tcp", p["IpProtocol"]!.ToString());
            Assert.Equal(p["FromPort"]!.GetValue<int>(), p["ToPort"]!.GetValue<int>());
            Assert.Empty(p["Ipv6Ranges"]?.AsArray() ?? []);
            Assert.Empty(p["PrefixListIds"]?.AsArray() ?? []);
        });

        var database = Assert.Single(egress, p => p["FromPort"]!.GetValue<int>() == 5432);
        Assert.Empty(database["IpRanges"]!.AsArray());
        Assert.Equal([applied.Network("database_security_group_id").ToString()],
            database["UserIdGroupPairs"]!.AsArray().Select(g => g!["GroupId"]!.ToString()));

        var https = Assert.Single(egress, p => p["FromPort"]!.GetValue<int>() == 443);
        Assert.Empty(https["UserIdGroupPairs"]!.AsArray());
        Assert.Equal([applied.Network("vpc_cidr_block").ToString()], https["IpRanges"]!.AsArray().Select(r => r!["CidrIp"]!.ToString()));
    }

    [Fact]
    public void The_database_security_group_lets_the_function_in_on_the_database_port_only()
    {
        var ingress = Assert.Single(applied.DatabaseSecurityGroup["IpPermissions"]!.AsArray())!;
        Assert.Equal("tcp", ingress["IpProtocol"]!.ToString());
        Assert.Equal(5432, ingress["FromPort"]!.GetValue<int>());
        Assert.Equal(5432, ingress["ToPort"]!.GetValue<int>());
        Assert.Empty(ingress["IpRanges"]!.AsArray());
        Assert.Equal([applied.Output("security_group_id")], ingress["UserIdGroupPairs"]!.AsArray().Select(g => g!["GroupId"]!.ToString()));
    }

    private JsonObject Access => applied.InlinePolicies.Single(p => p.Key.EndsWith("-access", StringComparison.Ordinal)).Value;

    [Fact]
    public void The_role_can_be_assumed_by_lambda_only_and_has_no_managed_policy_and_two_inline_policies()
    {
        var trust = ModuleOnMotoFixture.PolicyDocument(applied.Role["AssumeRolePolicyDocument"]!);
        var statement = Assert.Single(Statements(trust));
        Assert.Equal("Allow", statement["Effect"]!.ToString());
        Assert.Equal(["sts:AssumeRole"], Strings(statement["Action"]));
        Assert.Equal(["lambda.amazonaws.com"], Strings(statement["Principal"]!["Service"]));

        Assert.Empty(applied.AttachedPolicies);
        Assert.Equal(["-access", "-runtime"], applied.InlinePolicies.Keys.Select(k => k[k.LastIndexOf('-')..]).Order());
    }

    [Fact]
    public void The_inline_policy_allows_only_named_actions_on_named_resources()
    {
        var policy = Access;
        foreach (var statement in Statements(policy))
        {
            Assert.Equal("Allow", statement["Effect"]!.ToString());
            Assert.Null(statement["NotAction"]);
            Assert.Null(statement["NotResource"]);
            Assert.Null(statement["Principal"]);
            Assert.All(Strings(statement["Action"]), action => Assert.DoesNotContain("*", action));
            Assert.All(Strings(statement["Resource"]), resource =>
            {
                Assert.DoesNotContain("*", resource);
                Assert.StartsWith("arn:aws:", resource);
            });
        }
        var actions = Statements(policy).SelectMany(s => Strings(s["Action"])).ToHashSet();
        Assert.Equal(new HashSet<string> { "secretsmanager:GetSecretValue", "kms:Decrypt", "rds-db:connect" }, actions);
    }

    [Fact]
    public void The_function_may_read_only_the_master_secret_and_use_its_key_only_through_secrets_manager()
    {
        var statements = Statements(Access);
        var read = Assert.Single(statements, s => Strings(s["Action"]).Contains("secretsmanager:GetSecretValue"));
        Assert.Equal(["secretsmanager:GetSecretValue"], Strings(read["Action"]));
        Assert.Equal([applied.Network("master_secret_arn").ToString()], Strings(read["Resource"]));

        var decrypts = statements.Where(s => Strings(s["Action"]).Contains("kms:Decrypt")).ToList();
        Assert.All(decrypts, s => Assert.Equal(["kms:Decrypt"], Strings(s["Action"])));
        var secretKey = Assert.Single(decrypts, s => Strings(s["Resource"]).Contains(applied.Network("master_secret_kms_key_arn").ToString()));
        Assert.Equal([applied.Network("master_secret_kms_key_arn").ToString()], Strings(secretKey["Resource"]));
        Assert.Equal($"secretsmanager.{Region}.amazonaws.com", secretKey["Condition"]!["StringEquals"]!["kms:ViaService"]!.ToString());

        var environmentKey = Assert.Single(decrypts, s => !Strings(s["Resource"]).Contains(applied.Network("master_secret_kms_key_arn").ToString()));
        Assert.Equal([applied.Output("environment_kms_key_arn")], Strings(environmentKey["Resource"]));
        // Lambda decrypts with this encryption context: the grant opens only this function's variables.
        Assert.Equal(ModuleOnMotoFixture.FunctionName, environmentKey["Condition"]!["StringEquals"]!["kms:EncryptionContext:LambdaFunctionName"]!.ToString());
    }

    [Fact]
    public void Rds_db_connect_is_granted_only_on_the_declared_iam_users_of_that_database()
    {
        var statements = Statements(Access);
        var connect = Assert.Single(statements, s => Strings(s["Action"]).Any(a => a.StartsWith("rds-db:", StringComparison.Ordinal)));
        Assert.Equal(["rds-db:connect"], Strings(connect["Action"]));
        var expected = new[] { "app", "migrator", "reporting" }
            .Select(user => $"arn:aws:rds-db:{Region}:{Account}:dbuser:{ModuleOnMotoFixture.DbResourceId}/{user}")
            .Order();
        Assert.Equal(expected, Strings(connect["Resource"]).Order());
        Assert.DoesNotContain("postgres", Strings(connect["Resource"]).Select(r => r.Split('/')[^1]));
    }

    [Fact]
    public void Terraform_destroy_removes_the_function_its_role_its_security_group_and_its_log_group()
    {
        Assert.True(applied.Destroy is { ExitCode: 0 }, applied.Destroy?.ToString());
        Assert.Empty(applied.FunctionsAfterDestroy);
        Assert.DoesNotContain(applied.RolesAfterDestroy, r => r!["RoleName"]!.ToString() == applied.Output("role_name"));
        Assert.DoesNotContain(applied.SecurityGroupsAfterDestroy, g => g!["GroupId"]!.ToString() == applied.Output("security_group_id"));
        Assert.Empty(applied.LogGroupsAfterDestroy);
    }

    [Fact]
    public void The_runtime_policy_writes_only_to_the_functions_own_log_group_and_manages_network_interfaces_only_in_its_vpc()
    {
        var statements = Statements(applied.InlinePolicies.Single(p => p.Key.EndsWith("-runtime", StringComparison.Ordinal)).Value);
        var logs = statements.Where(s => Strings(s["Action"]).Any(a => a.StartsWith("logs:", StringComparison.Ordinal))).ToList();
        var log = Assert.Single(logs);
        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], Strings(log["Action"]).Order());
        Assert.Equal([$"arn:aws:logs:{Region}:{Account}:log-group:/aws/lambda/{ModuleOnMotoFixture.FunctionName}:*"], Strings(log["Resource"]));

        var wildcard = statements.Where(s => Strings(s["Resource"]).Contains("*")).ToList();
        Assert.Equal(["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], wildcard.SelectMany(s => Strings(s["Action"])).Order());

        var create = Assert.Single(statements, s => Strings(s["Action"]).Contains("ec2:CreateNetworkInterface"));
        Assert.Contains($"arn:aws:ec2:{Region}:{Account}:security-group/{applied.Output("security_group_id")}", Strings(create["Resource"]));
        Assert.All(applied.Network("subnet_ids").AsArray(), subnet =>
            Assert.Contains($"arn:aws:ec2:{Region}:{Account}:subnet/{subnet}", Strings(create["Resource"])));

        var manage = Assert.Single(statements, s => Strings(s["Action"]).Contains("ec2:DeleteNetworkInterface"));
        Assert.StartsWith($"arn:aws:ec2:{Region}:{Account}:vpc/", manage["Condition"]!["ArnEquals"]!["ec2:Vpc"]!.ToString());
        Assert.All(statements, s => Assert.DoesNotContain(Strings(s["Action"]), a => a.Contains('*')));
    }
}
