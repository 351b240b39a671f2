using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// The config keys the README lists (role keys, grant keys, which role keys a cluster config takes at the top and
/// which per database) are exactly the JSON Schema's, which the loader is tested against (ConfigTests).
/// </summary>
public partial class DocsConfigKeyTests
{
    private static readonly JsonNode Schema = JsonNode.Parse(File.ReadAllText(Path.Combine(DocText.Root, "schema/role-manager.schema.json")))!;

    private static HashSet<string> Properties(JsonNode node) => node["properties"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> Keys(string text) => Regex.Matches(text, @"\b[a-z][a-z_]*[a-z]\b").Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private static string Readme => DocText.Read("README.md");

    [Fact]
    public void The_readmes_role_keys_are_the_schemas_role_keys()
    {
        var said = Regex.Match(Readme, @"Role keys: (?<list>.+?)\n\n", RegexOptions.Singleline);
        Assert.True(said.Success, "the README no longer lists the role keys");
        var listed = Regex.Matches(said.Groups["list"].Value, "`([a-z_]+)`").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Properties(Schema["properties"]!["roles"]!["items"]!).Order(), listed.Order());
    }

    [Fact]
    public void The_readmes_grant_keys_and_profiles_are_the_schemas()
    {
        var said = Regex.Match(Readme, @"Each grant: (?<list>.+?):\n", RegexOptions.Singleline);
        Assert.True(said.Success, "the README no longer lists the grant keys");
        var spans = Regex.Matches(said.Groups["list"].Value, "`([a-z_]+)`").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var grant = Schema["$defs"]!["grantList"]!["items"]!;
        var profiles = grant["properties"]!["profile"]!["enum"]!.AsArray().Select(p => p!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Properties(grant).Concat(profiles).Order(), spans.Order());
    }

    [Fact]
    public void The_readmes_cluster_config_comments_split_the_role_keys_as_the_schema_does()
    {
        var lines = Readme.Split('\n');
        int top = Array.FindIndex(lines, l => l.Contains("# cluster-wide keys only:", StringComparison.Ordinal));
        Assert.True(top >= 0, "the README's cluster config no longer says which role keys are cluster-wide");
        var clusterWide = Keys(lines[top][(lines[top].IndexOf("only:", StringComparison.Ordinal) + 5)..] + " " + lines[top + 1][(lines[top + 1].IndexOf('#') + 1)..]);
        string perDatabaseLine = lines.First(l => l.Contains("# per database:", StringComparison.Ordinal));
        var perDatabase = Keys(perDatabaseLine[(perDatabaseLine.IndexOf("per database:", StringComparison.Ordinal) + 13)..]);

        // The schema's "then" (a cluster config) forbids some role keys at the top; those are what a database's roles take.
        var roleKeys = Properties(Schema["properties"]!["roles"]!["items"]!);
        var forbiddenAtTop = Properties(Schema["then"]!["properties"]!["roles"]!["items"]!);
        var databaseRoleKeys = Properties(Schema["properties"]!["databases"]!["items"]!["properties"]!["roles"]!["items"]!);
        databaseRoleKeys.Remove("name");
        Assert.Equal(roleKeys.Except(forbiddenAtTop).Order(), clusterWide.Order());
        Assert.Equal(databaseRoleKeys.Order(), perDatabase.Order());
        Assert.Equal(forbiddenAtTop.Order(), perDatabase.Order());
    }
}
