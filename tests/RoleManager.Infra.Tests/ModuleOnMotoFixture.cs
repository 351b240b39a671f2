using System.Text;
using System.Text.Json.Nodes;
using RoleManager.Infra.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests;

/// <summary>
/// Applies infra/modules/role-manager (through Fixtures/moto-root, whose moto-network adds a VPC, subnets, a database
/// security group and a secret with its own key) against a moto_server on loopback, records what moto
/// then holds and what the provider sent, destroys everything, and records what is left.
/// One apply/destroy serves every test in <see cref="ModuleOnMotoTests"/>.
/// </summary>
public sealed class ModuleOnMotoFixture : IAsyncLifetime
{
    public const string FunctionName = "role-manager-test";
    public const string DbResourceId = "cluster-TESTRESOURCEID";

    private readonly TempDirectory _temp = new("rm-infra-module-");
    private MotoServer? _moto;

    public JsonNode Outputs { get; private set; } = new JsonObject();
    public JsonObject Function { get; private set; } = new();
    public JsonNode Concurrency { get; private set; } = new JsonObject();
    public JsonObject Role { get; private set; } = new();
    public JsonArray AttachedPolicies { get; private set; } = [];
    public IReadOnlyDictionary<string, JsonObject> InlinePolicies { get; private set; } = new Dictionary<string, JsonObject>();
    public JsonObject FunctionSecurityGroup { get; private set; } = new();
    public JsonObject DatabaseSecurityGroup { get; private set; } = new();
    public JsonArray LogGroups { get; private set; } = [];

    /// <summary>The body of the CreateFunction request the provider sent (moto keeps neither KMSKeyArn nor LoggingConfig).</summary>
    public JsonObject CreateFunctionRequest { get; private set; } = new();

    public string ZipSha256Base64 { get; private set; } = "";
    public ProcessResult? Destroy { get; private set; }
    public JsonArray FunctionsAfterDestroy { get; private set; } = [];
    public JsonArray RolesAfterDestroy { get; private set; } = [];
    public JsonArray SecurityGroupsAfterDestroy { get; private set; } = [];
    public JsonArray LogGroupsAfterDestroy { get; private set; } = [];

    public string Output(string name) => Outputs[name]?["value"]?.ToString()
        ?? throw new InvalidOperationException($"no terraform output {name}");

    /// <summary>An output of the root's moto-network module, which the root passes on whole as the output "network".</summary>
    public JsonNode Network(string name) => Outputs["network"]?["value"]?[name]
        ?? throw new InvalidOperationException($"no output {name} of module network");

    public async Task InitializeAsync()
    {
        _ = Tools.Terraform;
        _ = Tools.Aws;
        _ = Tools.MotoServer;
        var recording = _temp.Combine("moto-recording.jsonl");
        _moto = MotoServer.Start(new Dictionary<string, string>
        {
            // AWSLambdaVPCAccessExecutionRole must exist to be attached.
            ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true",
            ["MOTO_ENABLE_RECORDING"] = "true",
            ["MOTO_RECORDER_FILEPATH"] = recording,
        });

        var (tf, vars, zip, outputs) = await FixtureRoots.ApplyMotoRootAsync(_temp, _moto);
        Outputs = outputs;
        ZipSha256Base64 = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(zip)));

        var aws = new ReferenceAwsCli(_moto, _temp.Path);
        Function = (await aws.JsonAsync("lambda", "get-function-configuration", "--function-name", FunctionName)).AsObject();
        Concurrency = await aws.JsonAsync("lambda", "get-function-concurrency", "--function-name", FunctionName);
        var roleName = Output("role_name");
        Role = (await aws.JsonAsync("iam", "get-role", "--role-name", roleName))["Role"]!.AsObject();
        AttachedPolicies = (await aws.JsonAsync("iam", "list-attached-role-policies", "--role-name", roleName))["AttachedPolicies"]!.AsArray();
        var inline = new Dictionary<string, JsonObject>();
        foreach (var name in (await aws.JsonAsync("iam", "list-role-policies", "--role-name", roleName))["PolicyNames"]!.AsArray())
        {
            var policy = await aws.JsonAsync("iam", "get-role-policy", "--role-name", roleName, "--policy-name", name!.ToString());
            inline[name.ToString()] = PolicyDocument(policy["PolicyDocument"]!);
        }
        InlinePolicies = inline;
        FunctionSecurityGroup = (await aws.JsonAsync("ec2", "describe-security-groups", "--group-ids", Output("security_group_id")))["SecurityGroups"]![0]!.AsObject();
        DatabaseSecurityGroup = (await aws.JsonAsync("ec2", "describe-security-groups", "--group-ids", Network("database_security_group_id").ToString()))["SecurityGroups"]![0]!.AsObject();
        LogGroups = (await aws.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/"))["logGroups"]!.AsArray();
        CreateFunctionRequest = FindCreateFunctionRequest(recording);

        Destroy = await tf.RunAsync(["destroy", "-auto-approve", "-input=false", "-no-color", .. vars]);
        FunctionsAfterDestroy = (await aws.JsonAsync("lambda", "list-functions"))["Functions"]!.AsArray();
        RolesAfterDestroy = (await aws.JsonAsync("iam", "list-roles"))["Roles"]!.AsArray();
        SecurityGroupsAfterDestroy = (await aws.JsonAsync("ec2", "describe-security-groups"))["SecurityGroups"]!.AsArray();
        LogGroupsAfterDestroy = (await aws.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/"))["logGroups"]!.AsArray();
    }

    public Task DisposeAsync()
    {
        _moto?.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>An IAM policy document as JSON, whether the CLI decoded it already or left it URL-encoded.</summary>
    public static JsonObject PolicyDocument(JsonNode node) => PolicyJson.Document(node);

    private static JsonObject FindCreateFunctionRequest(string recording)
    {
        foreach (var line in File.ReadLines(recording))
        {
            var entry = JsonNode.Parse(line)!;
            var url = entry["url"]?.ToString() ?? "";
            if (entry["method"]?.ToString() != "POST" || !url.EndsWith("/2015-03-31/functions", StringComparison.Ordinal)
                && !url.EndsWith("/2015-03-31/functions/", StringComparison.Ordinal))
                continue;
            var body = entry["body"]?.ToString() ?? "";
            if (entry["body_encoded"]?.GetValue<bool>() == true)
                body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
            return JsonNode.Parse(body)!.AsObject();
        }
        throw new InvalidOperationException($"moto recorded no CreateFunction request in {recording}");
    }
}
