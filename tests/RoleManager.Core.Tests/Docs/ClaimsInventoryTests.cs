using System.Text.RegularExpressions;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// docs/claims.md maps each behaviour sentence of README.md and docs/*.md to what proves it: a test, or for a fact
/// about AWS that no test here can make, the AWS documentation page that states it. These tests keep the list honest:
/// a quoted sentence that a page no longer says, or a named test that no longer exists, fails here, so the list
/// cannot rot into a list of claims nobody checks.
/// </summary>
public partial class ClaimsInventoryTests
{
    private const string Inventory = "docs/claims.md";

    private sealed record Claim(string Doc, string Sentence, string[] Tests, string[] Pages, int Line)
    {
        public override string ToString() => $"{Inventory}:{Line}";
    }

    private static readonly Lazy<IReadOnlyList<Claim>> Claims = new(Read);

    /// <summary>Each `## page` section's table rows: | claim | proof |, with \| for a pipe inside a cell.</summary>
    private static IReadOnlyList<Claim> Read()
    {
        var claims = new List<Claim>();
        string? doc = null;
        var lines = DocText.Read(Inventory).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            var heading = PageHeading().Match(line);
            if (heading.Success) { doc = heading.Groups[1].Value; continue; }
            if (doc is null || !line.StartsWith('|') || line.StartsWith("| Claim", StringComparison.Ordinal) || line.StartsWith("| ---", StringComparison.Ordinal)) continue;
            var cells = UnescapedPipe().Split(line.Trim().Trim('|')).Select(c => c.Replace(@"\|", "|", StringComparison.Ordinal).Trim()).ToArray();
            Assert.True(cells.Length == 2, $"{Inventory}:{i + 1}: a row is | claim | proof |, not {cells.Length} cells");
            var tests = ProofSpan().Matches(cells[1]).Select(m => m.Groups[1].Value).ToArray();
            var pages = AwsPage().Matches(cells[1]).Select(m => m.Value).ToArray();
            claims.Add(new Claim(doc, cells[0], tests, pages, i + 1));
        }
        return claims;
    }

    /// <summary>A page's text as a reader sees it: no backticks or bold marks, every run of white space one space.</summary>
    private static string Prose(string text) => Regex.Replace(text.Replace("`", "", StringComparison.Ordinal).Replace("**", "", StringComparison.Ordinal), @"\s+", " ").Trim();

    /// <summary>
    /// The pages a user reads beside README.md and docs/*.md: the Terraform module's and each example's README, and
    /// assets/README.md (what the CA files are and how to check them). Their claims are listed too.
    /// </summary>
    private static IReadOnlyList<string> InfraPages { get; } = new[] { "infra/modules/role-manager/README.md" }
        .Concat(Directory.GetDirectories(Path.Combine(DocText.Root, "infra", "examples")).Order(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "README.md")).Where(File.Exists).Select(f => Path.GetRelativePath(DocText.Root, f)))
        .Append("assets/README.md")
        .ToList();

    /// <summary>
    /// A test method: its declaration, with a [Fact]/[Theory] (or an attribute deriving from them) among the lines
    /// between the end of the previous member and it, so an [InlineData] over several lines, with brackets in its
    /// strings, does not hide it (a regex across the attributes was either blind to those or too slow on every test file).
    /// </summary>
    private static bool IsTestMethod(string tests, string method)
    {
        foreach (Match declaration in Regex.Matches(tests, $@"public (?:async )?(?:Task|void) {Regex.Escape(method)}\("))
        {
            var before = tests.AsSpan(0, declaration.Index);
            // The previous member ends with a brace of its own, or with ';' and a blank line (an expression body, a field).
            int start = Math.Max(Math.Max(before.LastIndexOf("\n    }\n"), before.LastIndexOf("\n{\n")), before.LastIndexOf(";\n\n"));
            if (Regex.IsMatch(tests[Math.Max(0, start)..declaration.Index], @"\[(?:\w+\.)*\w*(?:Fact|Theory)\w*\s*[\](]")) return true;
        }
        return false;
    }

    [Fact]
    public void The_inventory_covers_the_readme_first_and_every_user_page()
    {
        var pages = Claims.Value.GroupBy(c => c.Doc).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(pages.GetValueOrDefault("README.md") >= 40, $"{Inventory}: fewer README claims than expected: {pages.GetValueOrDefault("README.md")}");
        Assert.True(Claims.Value.Count >= 70, $"{Inventory}: fewer claims than expected: {Claims.Value.Count}");
        foreach (string page in pages.Keys)
            Assert.True(DocText.Files.Contains(page) || InfraPages.Contains(page),
                $"{Inventory}: \"## {page}\" is not README.md, a docs/*.md page, an infra/ README or assets/README.md");
        foreach (string page in InfraPages)
            Assert.True(pages.GetValueOrDefault(page) > 0, $"{Inventory}: no \"## {page}\" section with claims");
    }

    [Fact]
    public void Every_claim_is_still_said_by_the_page_it_quotes()
    {
        var gone = Claims.Value.Where(c => !Prose(DocText.Read(c.Doc)).Contains(Prose(c.Sentence), StringComparison.Ordinal))
            .Select(c => $"{c}: {c.Doc} no longer says \"{c.Sentence}\"").ToList();
        Assert.True(gone.Count == 0, "reword the row or the page, and check its proof still proves it:\n" + string.Join("\n", gone));
    }

    [Fact]
    public void Every_claim_names_a_proof_and_every_test_it_names_exists()
    {
        string tests = string.Concat(DocText.SourceFiles("tests").Select(File.ReadAllText));
        var problems = new List<string>();
        foreach (var claim in Claims.Value)
        {
            if (claim.Tests.Length + claim.Pages.Length == 0) problems.Add($"{claim}: no test and no AWS page for \"{claim.Sentence}\"");
            foreach (string test in claim.Tests)
            {
                string[] parts = test.Split('.');
                if (!Regex.IsMatch(tests, $@"\bclass {parts[0]}\b")) problems.Add($"{claim}: no test class {parts[0]}");
                else if (!IsTestMethod(tests, parts[1]))
                    problems.Add($"{claim}: no test method {test}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex(@"^## (\S+\.md)\s*$")]
    private static partial Regex PageHeading();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    /// <summary>`Class.Method`: a test that proves the claim.</summary>
    [GeneratedRegex(@"`([A-Z]\w+\.[A-Za-z]\w*_\w*)`")]
    private static partial Regex ProofSpan();

    [GeneratedRegex(@"https://docs\.aws\.amazon\.com/[^\s)>\]]+")]
    private static partial Regex AwsPage();
}
