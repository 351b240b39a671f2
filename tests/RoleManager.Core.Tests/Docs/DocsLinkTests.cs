using System.Text.RegularExpressions;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// Issue 30, "every claim in the docs true": each link, anchor and repository path the README and docs/*.md give a
/// reader leads somewhere. A renamed file or heading fails here instead of in a user's first hour.
/// </summary>
public partial class DocsLinkTests
{
    [Fact]
    public void Every_relative_link_and_anchor_in_the_readme_and_docs_resolves()
    {
        var links = DocText.Files.SelectMany(file => Link().Matches(DocText.WithoutFences(DocText.Read(file)))
            .Select(m => (File: file, Target: m.Groups[1].Value))).ToList();
        Assert.True(links.Count >= 8, "the docs link to fewer places than expected: " + links.Count);
        var broken = new List<string>();
        foreach (var (file, target) in links)
        {
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            string path = target.Split('#')[0], anchor = target.Contains('#') ? target[(target.IndexOf('#') + 1)..] : "";
            string full = path.Length == 0 ? Path.Combine(DocText.Root, file) : Path.GetFullPath(Path.Combine(DocText.Root, Path.GetDirectoryName(file)!, path));
            if (!File.Exists(full) && !Directory.Exists(full)) { broken.Add($"{file}: {target} (no such file)"); continue; }
            if (anchor.Length > 0 && !Anchors(File.ReadAllText(full)).Contains(anchor)) broken.Add($"{file}: {target} (no heading gives #{anchor})");
        }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public void Every_repository_path_the_docs_name_in_code_exists()
    {
        // `bin/demo`, `src/RoleManager.Core/Audit/Queries/*.sql`, `tests/.../RotationTests.cs`: from the repository root;
        // `Connect/TrustBundle.cs`, `Sql/Ident.cs`: a file under src/ or tests/ that ends so.
        var named = DocText.Files.SelectMany(f => DocText.CodeSpans(f).SelectMany(s => s.Split(' ', '(', ')', ',')).Select(p => (File: f, Path: p)))
            .Where(n => RootPath().IsMatch(n.Path) || SourceFile().IsMatch(n.Path))
            .Where(n => !BuildOutput().IsMatch(n.Path)) // a build's output (bin/Release/...) exists once built, not in a clone
            .Distinct().ToList();
        Assert.True(named.Count >= 40, "the docs name fewer paths than expected: " + named.Count);
        var sources = DocText.SourceFiles("src", "*").Concat(DocText.SourceFiles("tests", "*"))
            .Select(f => Path.GetRelativePath(DocText.Root, f)).ToList();
        var missing = named.Where(n => !Exists(n.Path, sources)).Select(n => $"{n.File}: `{n.Path}`").ToList();
        Assert.True(missing.Count == 0, "named in the docs but not in the repository:\n" + string.Join("\n", missing));
    }

    /// <summary>A reference to a numbered step of docs/aws-setup.md, and a word that step's heading must hold.</summary>
    public static TheoryData<string, string, string> StepReferences() => new()
    {
        { "README.md", @"the same function rotates it \(`docs/aws-setup.md`, step (?<n>\d+)\)", "rotated" },
        { "docs/aws-setup.md", @"\(a password kept in Secrets Manager, section (?<n>\d+)\)", "A role with a password in Secrets Manager" },
        { "docs/aws-setup.md", @"The example's `region` variable must name the same one \(step (?<n>\d+)\)", "one `terraform apply`" },
        { "docs/aws-setup.md", @"instead of step (?<n>\d+)\.", "Create the network, the database" },
        { "docs/aws-setup.md", @"read steps 1–(?<n>\d+), then", "Build the function" },
    };

    [Theory]
    [MemberData(nameof(StepReferences))]
    public void A_reference_to_a_step_of_the_aws_guide_names_the_step_it_means(string file, string reference, string heading)
    {
        var said = DocText.Says(file, reference);
        var step = Regex.Match(DocText.Read("docs/aws-setup.md"), $@"^## {said.Groups["n"].Value}\. (?<title>.+)$", RegexOptions.Multiline);
        Assert.True(step.Success && step.Groups["title"].Value.Contains(heading, StringComparison.Ordinal),
            $"{file} points at step {said.Groups["n"].Value} of docs/aws-setup.md for \"{heading}\"; that step is \"{step.Groups["title"].Value}\"");
    }

    [Fact]
    public void The_readmes_repository_layout_names_folders_that_exist()
    {
        // "| `src/RoleManager.Core` | the engine: `Model/`, `Config/`, ... |": each folder, and each sub-folder it lists.
        var (_, rows) = DocText.TableUnder("README.md", "Repository layout");
        var missing = new List<string>();
        foreach (var row in rows)
        {
            string folder = row[0].Trim('`');
            if (!Directory.Exists(Path.Combine(DocText.Root, folder))) missing.Add(folder);
            foreach (Match sub in Regex.Matches(row[1], @"`(\w+)/`"))
                if (!Directory.Exists(Path.Combine(DocText.Root, folder, sub.Groups[1].Value))) missing.Add($"{folder}{sub.Groups[1].Value}/".Replace("//", "/"));
        }
        Assert.True(rows.Count >= 8, "the README's layout table lists fewer folders than expected");
        Assert.True(missing.Count == 0, "the README's repository layout names folders that do not exist: " + string.Join(", ", missing));
    }

    private static bool Exists(string path, List<string> sources)
    {
        path = path.TrimEnd('.', ';', ':');
        // architecture.md's `Cli/Program.cs` is src/RoleManager.Cli/Program.cs.
        if (!RootPath().IsMatch(path)) return sources.Any(s => s.EndsWith("/" + path, StringComparison.Ordinal) || s.EndsWith("/RoleManager." + path, StringComparison.Ordinal));
        if (path.Contains('*', StringComparison.Ordinal))
        {
            string dir = Path.Combine(DocText.Root, Path.GetDirectoryName(path)!);
            return Directory.Exists(dir) && Directory.GetFileSystemEntries(dir, Path.GetFileName(path)).Length > 0;
        }
        string full = Path.Combine(DocText.Root, path);
        if (File.Exists(full) || Directory.Exists(full) || File.Exists(full + ".cs")) return true;
        // tests/.../CliTests.Each_bad_config_…: a test named by its file and method.
        string last = Path.GetFileName(path);
        return last.Contains('.', StringComparison.Ordinal)
            && File.Exists(Path.Combine(Path.GetDirectoryName(full)!, last[..last.IndexOf('.')] + ".cs"));
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes, "-1", "-2" for repeats.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match h in Heading().Matches(DocText.WithoutFences(markdown)))
        {
            string slug = Regex.Replace(h.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{N}\s_-]", "").Replace(' ', '-');
            int n = seen.GetValueOrDefault(slug);
            seen[slug] = n + 1;
            anchors.Add(n == 0 ? slug : $"{slug}-{n}");
        }
        return anchors;
    }

    [GeneratedRegex(@"!?\[[^\]\n]*\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} +(.+?) *#*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    // A path from the repository root: a top-level folder of this repository, then a file or folder name, no placeholder.
    [GeneratedRegex(@"^(src|tests|docs|bin|bench|infra|assets|schema|examples|\.github)/[\w.*/-]*$")]
    private static partial Regex RootPath();

    [GeneratedRegex(@"/bin/(Debug|Release)/")]
    private static partial Regex BuildOutput();

    [GeneratedRegex(@"^[A-Z]\w+(/[A-Z]\w+)*/\w+\.(cs|sql)$")]
    private static partial Regex SourceFile();
}
