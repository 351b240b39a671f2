using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using RoleManager.Audit;
using RoleManager.Evidence;
using RoleManager.Reporting;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// Every JSON field name the README and docs show (the Lambda result, the plan the invoke scripts print, the report's
/// shape, the evidence object) is one the program writes: a name of the source-generated contract that serializes it.
/// </summary>
public partial class DocsJsonFieldTests
{
    /// <summary>The JSON names of every object type a source-generated context writes.</summary>
    private static HashSet<string> Written(JsonSerializerContext context) =>
        context.GetType().GetProperties()
            .Where(p => typeof(JsonTypeInfo).IsAssignableFrom(p.PropertyType) && p.GetIndexParameters().Length == 0)
            .Select(p => (JsonTypeInfo)p.GetValue(context)!)
            .Where(t => t.Kind == JsonTypeInfoKind.Object)
            .SelectMany(t => t.Properties.Select(p => p.Name))
            .ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string, string> JsonExamples() => new()
    {
        { "README.md", "result" }, { "docs/aws-setup.md", "result" }, { "docs/report.md", "report" },
    };

    [Theory]
    [MemberData(nameof(JsonExamples))]
    public void Every_field_of_the_docs_json_examples_is_written_by_the_program(string file, string contract)
    {
        var blocks = RoleManager.Testing.Readme.CodeBlocks(file).Where(b => b.Info is "json" or "jsonc").ToList();
        Assert.NotEmpty(blocks);
        var shown = blocks.SelectMany(b => Key().Matches(b.Text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        if (file == "README.md")
        {
            // "A `check` result adds `"passed": true|false` and `"assertions": [{"role", "name", "passed", "detail"}]` (and `"unproven": true` ...)",
            // and a cluster's "`--output json` gives one document with `databases` and `errors`".
            string text = DocText.Flat(file);
            string adds = Regex.Match(text, @"A `check` result adds (.+?)\. Failures").Groups[1].Value;
            Assert.NotEmpty(adds);
            foreach (Match name in Regex.Matches(adds, @"""(\w+)""")) shown.Add(name.Groups[1].Value);
            Assert.Contains("`--output json` gives one document with `databases` and `errors`", text);
            shown.UnionWith(["databases", "errors"]);
        }
        Assert.True(shown.Count >= 3, $"{file}: fewer JSON fields shown than expected: {string.Join(", ", shown)}");
        var written = contract == "report" ? Written(AuditJson.Default) : Written(ReportJson.Default);
        var unknown = shown.Where(n => !written.Contains(n)).Order().ToList();
        Assert.True(unknown.Count == 0, $"{file} shows JSON fields the program never writes: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Every_field_compliance_md_lists_for_an_evidence_object_is_written()
    {
        var (_, rows) = DocText.TableUnder("docs/compliance.md", "What is in an object");
        var values = new HashSet<string>(StringComparer.Ordinal) { "pass", "fail", "check", "manage" };
        var listed = rows.SelectMany(r => r).SelectMany(c => Regex.Matches(c, @"`([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)?)`").Select(m => m.Groups[1].Value))
            .SelectMany(n => n.Split('.')).Where(n => !values.Contains(n)).ToHashSet(StringComparer.Ordinal);
        Assert.True(listed.Count >= 20, string.Join(", ", listed));
        var written = Written(EvidenceJson.Default);
        var unknown = listed.Where(n => !written.Contains(n)).Order().ToList();
        Assert.True(unknown.Count == 0, $"docs/compliance.md lists evidence fields the program never writes: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Every_value_report_md_lists_for_paths_kinds_logins_attributes_actions_and_findings_is_one_the_report_writes()
    {
        // The `via` and finding `kind` tables' first column, and the jsonc shape's "// a | b | c" value lists.
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string heading in new[] { "Paths", "Findings" })
            foreach (var row in DocText.TableUnder("docs/report.md", heading).Rows)
                listed.Add(row[0].Trim('`'));
        var shape = RoleManager.Testing.Readme.CodeBlocks("docs/report.md").Single(b => b.Info == "jsonc").Text.Split('\n');
        for (int i = 0; i < shape.Length; i++)
        {
            if (!ValueList().IsMatch(shape[i]) || !shape[i].Contains("//", StringComparison.Ordinal)) continue;
            string comment = shape[i][(shape[i].IndexOf("//", StringComparison.Ordinal) + 2)..];
            if (shape[i].Contains("\"actions\"", StringComparison.Ordinal) && shape[i + 1].TrimStart().StartsWith("//", StringComparison.Ordinal))
                comment += "," + shape[i + 1].TrimStart()[2..];
            listed.UnionWith(comment.Split('|', ',').Select(v => v.Trim()).Where(v => Regex.IsMatch(v, "^[a-z][a-z-]*$")));
        }
        Assert.True(listed.Count >= 40, string.Join(", ", listed));
        string audit = string.Concat(new[] { "src/RoleManager.Core/Audit", "src/RoleManager.Engine/Model" }.SelectMany(d => Directory.GetFiles(Path.Combine(DocText.Root, d), "*.cs", SearchOption.AllDirectories)).Select(File.ReadAllText));
        var unknown = listed.Where(v => !audit.Contains($"\"{v}\"", StringComparison.Ordinal)).Order().ToList();
        Assert.True(unknown.Count == 0, $"docs/report.md lists values the report never writes: {string.Join(", ", unknown)}");
    }

    [GeneratedRegex(@"""(kind|login|attributes|actions)""\s*:")]
    private static partial Regex ValueList();

    [GeneratedRegex(@"""(\w+)""\s*:")]
    private static partial Regex Key();
}
