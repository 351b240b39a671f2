using System.Text.RegularExpressions;
using RoleManager.Config;
using RoleManager.Errors;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// README, "Role settings": "Refused, with the reason: `search_path` (its own key), `role` and `session_authorization`
/// ..., the `*_preload_libraries` and `dynamic_library_path` (they load code), `session_replication_role`,
/// `default_transaction_read_only` (...) and custom dotted settings". The names are read from that sentence, so a
/// setting the README adds to the list must be refused too.
/// </summary>
public sealed partial class ReadmeMoreSettingsClaimsTests
{
    [Fact]
    public void Every_setting_the_readme_says_is_refused_is_refused_in_both_scopes_with_its_reason()
    {
        var said = DocText.Says("README.md", @"Refused, with the reason: (?<list>.*?) and custom dotted settings");
        var names = CodeSpan().Matches(said.Groups["list"].Value).Select(m => m.Groups[1].Value)
            .SelectMany(n => n == "*_preload_libraries" ? ["local_preload_libraries", "session_preload_libraries", "shared_preload_libraries"] : new[] { n })
            .Append("app.tenant") // "custom dotted settings"
            .ToList();
        Assert.True(names.Count >= 9, "the README's list of refused settings is shorter than expected: " + string.Join(", ", names));

        foreach (string scope in new[] { "settings", "database_settings" })
            foreach (string name in names)
            {
                string yaml = $"database: appdb\nauth: none\nroles:\n  - name: app\n    {scope}: {{ {name}: 'x' }}\n";
                var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(yaml, "roles.yaml", _ => null, new ConfigDefaults()));
                // Where (file:line and the key's path) and why: "setting NAME is refused: <the reason>".
                Assert.Contains($"roles.yaml:5:", error.Message);
                Assert.Matches($@"{Regex.Escape($"{scope}.{name}")}: setting {Regex.Escape(name)} is refused: \S.{{20,}}", error.Message);
            }
    }

    [Fact]
    public void A_setting_outside_the_readmes_list_is_accepted_in_both_scopes()
    {
        // The refusal is of those names, not of settings as such: the README's own examples load.
        string yaml = "database: appdb\nauth: none\nroles:\n  - name: app\n    settings: { statement_timeout: 30s, work_mem: 64MB }\n    database_settings: { lock_timeout: 5s }\n";
        var app = ConfigLoader.Load(yaml, "roles.yaml", _ => null, new ConfigDefaults()).FindRole("app")!;
        Assert.Equal("30s", app.Settings["statement_timeout"]);
        Assert.Equal("5s", app.DatabaseSettings["lock_timeout"]);
    }

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodeSpan();
}
