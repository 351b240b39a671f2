using System.Text.RegularExpressions;
using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// What the example's README (and docs/aws-setup.md) says the example builds, read from its Terraform files where
/// moto cannot show it (ExampleOnMotoTests applies the example and checks the wiring): no way to or from the internet,
/// the cluster's shape, the Data API only with extra databases, and the Terraform and provider versions the module
/// README's Requirements table gives.
/// </summary>
public sealed partial class InfraDocClaimsExampleTests
{
    private static string Example(string file) => File.ReadAllText(Path.Combine(Repo.ExampleDirectory, file));

    private static string AllOf(string directory) =>
        string.Concat(Directory.GetFiles(directory, "*.tf").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    /// <summary>The body of <c>resource "type" "name" { ... }</c>, braces included.</summary>
    private static string Resource(string text, string type, string name)
    {
        int start = text.IndexOf($"resource \"{type}\" \"{name}\" {{", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no resource {type}.{name}");
        return InfraDocClaimsInputTests.Block(text, text.IndexOf('{', start));
    }

    private static void Sets(string block, string attribute, string value) =>
        Assert.Matches($@"(?m)^\s*{Regex.Escape(attribute)}\s*=\s*{Regex.Escape(value)}\s*(#.*)?$", block);

    [Fact]
    public void The_example_vpc_has_two_private_subnets_and_no_route_to_or_from_the_internet()
    {
        string all = AllOf(Repo.ExampleDirectory);
        var types = ResourceType().Matches(all).Select(m => m.Groups[1].Value).ToHashSet();

        // No gateway, no route, no public address: nothing in the VPC can reach the internet or be reached from it.
        Assert.Empty(types.Intersect(["aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_nat_gateway", "aws_eip",
            "aws_route", "aws_route_table", "aws_vpc_peering_connection", "aws_vpn_gateway", "aws_ec2_transit_gateway_vpc_attachment"]));
        Assert.DoesNotContain("map_public_ip_on_launch", all, StringComparison.Ordinal);
        Sets(Resource(all, "aws_rds_cluster_instance", "writer"), "publicly_accessible", "false");

        var subnets = Resource(all, "aws_subnet", "private");
        Sets(subnets, "count", "length(local.azs)");
        Assert.Contains("azs             = slice(data.aws_availability_zones.available.names, 0, 2)", all, StringComparison.Ordinal);
        // Two /20 subnets carved from the VPC's /16 (the README's vpc_cidr row): 4 more bits.
        Sets(subnets, "cidr_block", "cidrsubnet(var.vpc_cidr, 4, count.index)");
    }

    [Fact]
    public void The_example_cluster_is_serverless_v2_with_one_writer_a_managed_master_secret_under_its_own_key_and_iam_auth()
    {
        string all = AllOf(Repo.ExampleDirectory);
        var cluster = Resource(all, "aws_rds_cluster", "this");

        Sets(cluster, "engine", "\"aurora-postgresql\"");
        Sets(cluster, "manage_master_user_password", "true");
        Sets(cluster, "master_user_secret_kms_key_id", "aws_kms_key.database.arn");
        Sets(cluster, "iam_database_authentication_enabled", "true");
        Assert.Contains("serverlessv2_scaling_configuration {", cluster, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(all, "resource \"aws_rds_cluster_instance\""));
        Sets(Resource(all, "aws_rds_cluster_instance", "writer"), "instance_class", "\"db.serverless\"");
        // "The Data API is on only while extra_databases is not empty".
        Sets(cluster, "enable_http_endpoint", "length(var.extra_databases) > 0");
    }

    [Fact]
    public void The_secrets_manager_endpoint_admits_only_the_role_managers_security_group_on_443()
    {
        string all = AllOf(Repo.ExampleDirectory);
        var endpoint = Resource(all, "aws_vpc_endpoint", "secretsmanager");
        Sets(endpoint, "private_dns_enabled", "true");
        Sets(endpoint, "security_group_ids", "[aws_security_group.secretsmanager_endpoint.id]");

        var rules = IngressRule().Matches(all).Select(m => Resource(all, "aws_vpc_security_group_ingress_rule", m.Groups[1].Value))
            .Where(r => r.Contains("aws_security_group.secretsmanager_endpoint.id", StringComparison.Ordinal)).ToList();
        var rule = Assert.Single(rules);
        Sets(rule, "from_port", "443");
        Sets(rule, "to_port", "443");
        Sets(rule, "referenced_security_group_id", "module.role_manager.security_group_id");
        Assert.DoesNotContain(Resource(all, "aws_security_group", "secretsmanager_endpoint"), "ingress", StringComparison.Ordinal);
    }

    [Fact]
    public void The_requirements_table_gives_the_terraform_and_provider_versions_the_module_and_example_require_and_the_tests_use()
    {
        string readme = File.ReadAllText(Path.Combine(Repo.ModuleDirectory, "README.md"));
        var terraform = Regex.Match(readme, @"^\| terraform \| (.+) \|$", RegexOptions.Multiline).Groups[1].Value;
        var aws = Regex.Match(readme, @"^\| hashicorp/aws \| (.+) \((\S+) tested\) \|$", RegexOptions.Multiline);

        foreach (string versions in new[] { Path.Combine(Repo.ModuleDirectory, "versions.tf"), Path.Combine(Repo.ExampleDirectory, "versions.tf") })
        {
            string text = File.ReadAllText(versions);
            Assert.Contains($"required_version = \"{terraform}\"", text, StringComparison.Ordinal);
            Assert.Contains($"version = \"{aws.Groups[1].Value}\"", text, StringComparison.Ordinal);
        }
        // The provider version the tests run with (bin/install-test-tools mirrors it; the tests never download one).
        Assert.Contains($"AWS_PROVIDER_VERSION=\"${{AWS_PROVIDER_VERSION:-{aws.Groups[2].Value}}}\"", File.ReadAllText(Repo.Script("install-test-tools")), StringComparison.Ordinal);
        // docs/aws-setup.md, "What you need": the same Terraform.
        Assert.Equal(">= 1.5.0", terraform);
        Assert.Contains("| Terraform 1.5 or later |", File.ReadAllText(Path.Combine(Repo.Root, "docs", "aws-setup.md")), StringComparison.Ordinal);
    }

    [GeneratedRegex("""^resource "([a-z0-9_]+)" """, RegexOptions.Multiline)]
    private static partial Regex ResourceType();

    [GeneratedRegex("""^resource "aws_vpc_security_group_ingress_rule" "([a-z0-9_]+)" """, RegexOptions.Multiline)]
    private static partial Regex IngressRule();
}
