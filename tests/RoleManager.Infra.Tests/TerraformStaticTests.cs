using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>Offline checks of infra/: formatting, validation with the mirrored provider, documented inputs and outputs.</summary>
public sealed partial class TerraformStaticTests : IDisposable
{
    private readonly TempDirectory _temp = new("rm-infra-static-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Terraform_fmt_finds_nothing_to_reformat_in_infra_and_the_test_root_module()
    {
        var tf = new Terraform(Repo.Root, _temp.Path);

        var infra = await tf.RunAsync("fmt", "-check", "-recursive", "-diff", "-no-color", Repo.Infra);
        var fixtures = await tf.RunAsync("fmt", "-check", "-recursive", "-diff", "-no-color", Repo.Fixtures);

        Assert.True(infra.ExitCode == 0, infra.ToString());
        Assert.True(fixtures.ExitCode == 0, fixtures.ToString());
    }

    [Theory]
    [InlineData("modules/role-manager")]
    [InlineData("examples/aurora-postgresql")]
    public async Task The_configuration_validates_offline_with_the_mirrored_aws_provider_and_no_warnings(string directory)
    {
        Repo.CopyTree(Repo.Infra, _temp.Combine("infra"));
        var tf = new Terraform(_temp.Combine(["infra", .. directory.Split('/')]), _temp.Path);

        await tf.InitAsync(backend: false);
        var validate = await tf.RunAsync("validate", "-json", "-no-color");

        Assert.True(validate.ExitCode == 0, validate.ToString());
        var result = JsonNode.Parse(validate.Stdout)!;
        Assert.True(result["valid"]!.GetValue<bool>(), validate.ToString());
        Assert.True(result["warning_count"]!.GetValue<int>() == 0, validate.ToString());
    }

    [Theory]
    [InlineData("modules/role-manager")]
    [InlineData("examples/aurora-postgresql")]
    public void The_readme_documents_every_input_and_output(string directory)
    {
        var dir = Path.Combine([Repo.Infra, .. directory.Split('/')]);
        var readme = File.ReadAllText(Path.Combine(dir, "README.md"));
        var names = Directory.EnumerateFiles(dir, "*.tf")
            .SelectMany(file => Declaration().Matches(File.ReadAllText(file)).Select(m => (Kind: m.Groups[1].Value, Name: m.Groups[2].Value)))
            .ToList();

        Assert.NotEmpty(names);
        var undocumented = names.Where(n => !readme.Contains($"`{n.Name}`", StringComparison.Ordinal)).Select(n => $"{n.Kind} {n.Name}").ToList();
        Assert.True(undocumented.Count == 0, $"{directory}/README.md does not mention: {string.Join(", ", undocumented)}");
    }

    [GeneratedRegex("""^(variable|output) "([A-Za-z0-9_]+)" \{""", RegexOptions.Multiline)]
    private static partial Regex Declaration();
}
