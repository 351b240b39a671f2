using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>The README's examples, run as a reader would run them: what it prints is what the program prints.</summary>
public sealed class ReadmeClaimsTests
{
    [Fact]
    public async Task The_readmes_two_error_config_reports_both_problems_as_the_readme_prints_them()
    {
        var blocks = Readme.CodeBlocks();
        int example = blocks.FindIndex(b => b.Info == "yaml" && b.Text.Contains("rds_admin"));
        Assert.True(example >= 0, "the README's config-error example is gone");
        string expected = blocks[example + 1].Text.TrimEnd();
        string dir = Directory.CreateTempSubdirectory("rm-readme-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "roles.yaml"), blocks[example].Text);

        // No database is reachable: the config is read before any connection is opened.
        var env = new Dictionary<string, string?> { ["PGHOST"] = "127.0.0.1", ["PGPORT"] = "1", ["PGSSLMODE"] = "disable" };
        var result = await CliRunner.RunAsync(env, ["plan", "--config", "roles.yaml"], workingDirectory: dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.StdErr.TrimEnd());
    }
}
