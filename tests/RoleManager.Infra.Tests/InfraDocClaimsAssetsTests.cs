using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// What assets/README.md says of the two CA files (docs/claims.md): the checksums and fingerprints it prints, what the
/// RDS bundle keeps (the roots of 27 regions in three kinds, the Beta and Preview roots, none expired, and the years they are valid
/// until), and its "Check it" commands printing 87. Read from the page, so a regenerated file and a stale page fail.
/// </summary>
public sealed partial class InfraDocClaimsAssetsTests
{
    private static string Page => File.ReadAllText(Path.Combine(Repo.Root, "assets", "README.md"));

    private static X509Certificate2Collection Certificates(string file)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(Path.Combine(Repo.Root, file));
        return certificates;
    }

    [Theory]
    [InlineData("rds-ca-bundle.pem", "sha256 of the file as generated: `")]
    [InlineData("aws-trust/aws-roots.pem", "sha256 of the file: `")]
    public void Each_file_has_the_sha256_the_page_prints(string file, string saying)
    {
        var said = Regex.Match(Page, Regex.Escape(saying) + "([0-9a-f]{64})`");
        Assert.True(said.Success, $"assets/README.md no longer says \"{saying}<sha256>`\"");
        Assert.Equal(said.Groups[1].Value, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repo.Root, "assets", file)))));
    }

    [Fact]
    public void The_aws_roots_have_the_sha256_fingerprints_the_page_lists()
    {
        var listed = Fingerprint().Matches(Page).Select(m => m.Groups[1].Value.Replace(":", "", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, listed.Count);
        Assert.Equal(listed.Order(StringComparer.Ordinal),
            Certificates("assets/aws-trust/aws-roots.pem").Select(c => c.GetCertHashString(HashAlgorithmName.SHA256)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_rds_bundle_keeps_the_three_roots_of_27_regions_and_the_beta_and_preview_roots_none_expired()
    {
        var certificates = Certificates("assets/rds-ca-bundle.pem");
        var names = certificates.Select(c => c.GetNameInfo(X509NameType.SimpleName, forIssuer: false)).ToList();
        var byRegion = names.Select(n => RootName().Match(n)).ToList();

        Assert.All(byRegion, m => Assert.True(m.Success, $"not an \"Amazon RDS <region> Root CA <kind> G1\": {m.Value}"));
        var kinds = byRegion.GroupBy(m => m.Groups["kind"].Value).ToDictionary(g => g.Key, g => g.Select(m => m.Groups["region"].Value).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(["ECC384", "RSA2048", "RSA4096"], kinds.Keys.Order(StringComparer.Ordinal));
        // The same regions in each kind: 27 of them, plus "Beta us-east-1" and "Preview us-east-2".
        Assert.All(kinds.Values, regions => Assert.Equal(kinds["RSA2048"], regions));
        Assert.Equal(27, kinds["RSA2048"].Count(r => !r.StartsWith("Beta ", StringComparison.Ordinal) && !r.StartsWith("Preview ", StringComparison.Ordinal)));
        Assert.Equal(2, kinds["RSA2048"].Count(r => r.StartsWith("Beta ", StringComparison.Ordinal) || r.StartsWith("Preview ", StringComparison.Ordinal)));
        Assert.Equal(87, certificates.Count);
        Assert.Contains("**87** certificates", Page, StringComparison.Ordinal);

        Assert.All(certificates, c => Assert.True(c.NotAfter > DateTime.UtcNow, $"{c.Subject} expired {c.NotAfter:u}"));
        var until = Regex.Match(Page, @"valid until (\d{4}) to (\d{4})");
        Assert.True(until.Success, "assets/README.md no longer says \"valid until YYYY to YYYY\"");
        var years = certificates.Select(c => c.NotAfter.Year).ToList();
        Assert.Equal($"{years.Min()} to {years.Max()}", $"{until.Groups[1].Value} to {until.Groups[2].Value}");
    }

    [Fact]
    public async Task The_pages_check_it_commands_print_87()
    {
        var block = Regex.Match(Page, @"\*\*Check it\*\*[^\n]*\n\n```bash\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "assets/README.md has no \"Check it\" block");
        var commands = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, commands.Length);

        foreach (string command in commands)
        {
            var run = await ProcessRunner.RunAsync("bash", ["-o", "pipefail", "-c", command], Repo.Root);
            Assert.True(run.ExitCode == 0, run.ToString());
            // storeutl ends with "Total found: 87"; the pkcs7 listing counts 87 subjects.
            Assert.Matches(@"^(Total found: )?87\s*$", run.Stdout);
        }
    }

    [Fact]
    public void The_modules_readme_says_the_cold_start_the_five_roots_save_as_assets_readme_measured_it()
    {
        // assets/README.md's figure is the one AssetsFigureTests keeps equal to docs/performance.md.
        string saved = Regex.Match(Regex.Replace(Page, @"\s+", " "), @"~(\d+) ms of every cold start \(measured").Groups[1].Value;
        string module = Regex.Replace(File.ReadAllText(Path.Combine(Repo.ModuleDirectory, "README.md")), @"\s+", " ");

        Assert.NotEmpty(saved);
        Assert.Equal([saved], Regex.Matches(module, @"~(\d+) ms of a cold start").Select(m => m.Groups[1].Value));
    }

    [GeneratedRegex(@"^(?:Amazon Root CA \d|Starfield G2)\s+((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$", RegexOptions.Multiline)]
    private static partial Regex Fingerprint();

    [GeneratedRegex(@"^Amazon RDS (?<region>(?:Beta |Preview )?[a-z]{2}(?:-[a-z]+)+-\d) Root CA (?<kind>RSA2048|RSA4096|ECC384) G1$")]
    private static partial Regex RootName();
}
