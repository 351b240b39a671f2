using System.Text.RegularExpressions;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// README, "Install": "a version tag runs the same in `.github/workflows/release.yml` and attaches the files to a GitHub
/// release". ReleaseTests validates the workflow and runs bin/release; this reads what the workflow does with its files.
/// </summary>
public sealed class ReadmeMoreReleaseClaimsTests
{
    [Fact]
    public void The_release_workflow_attaches_every_file_bin_release_wrote_to_a_github_release_of_the_tag()
    {
        DocText.Says("README.md", @"a version tag runs the same in `\.github/workflows/release\.yml` and attaches the files to a GitHub release");
        string workflow = File.ReadAllText(Path.Combine(DocText.Root, ".github/workflows/release.yml"));

        Assert.Matches(@"run: bin/release --arch all", workflow);
        // Every file of the release folder, checked against SHA256SUMS first, then attached to the tag's release.
        int checkedAt = workflow.IndexOf("sha256sum -c SHA256SUMS", StringComparison.Ordinal);
        var attach = Regex.Match(workflow, @"gh release create ""\$GITHUB_REF_NAME"" artifacts/release/\*");
        Assert.True(checkedAt >= 0 && attach.Success && attach.Index > checkedAt, "the workflow no longer checks the sums, then attaches artifacts/release/* to the tag's release");
    }
}
