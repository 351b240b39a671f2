using RoleManager.Config;
using RoleManager.Errors;

namespace RoleManager.Core.Tests;

/// <summary>A name that holds CR, LF, ESC or a bidi override would rewrite what plan and check print: it is refused.</summary>
public class ControlCharacterNameTests
{
    private static ConfigException Refused(string yaml) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Load(yaml, "roles.yaml", _ => null, new ConfigDefaults()));

    private static void AssertOneLineOfPrintableText(string message)
    {
        foreach (char c in message.Replace("\n  - ", " "))
            Assert.False(char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format, $"U+{(int)c:X4} in: {message}");
    }

    [Theory]
    [InlineData("app\\r\\nDROP ROLE master", "U+000D")]
    [InlineData("app\\n", "U+000A")]
    [InlineData("\\e[2Japp", "U+001B")]
    [InlineData("app\\ttab", "U+0009")]
    [InlineData("app\\u202Eevil", "U+202E")]
    [InlineData("app\\x7F", "U+007F")]
    public void A_role_name_with_a_control_character_is_refused_at_its_file_line_and_column(string escaped, string code)
    {
        var error = Refused($"database: appdb\nroles:\n  - name: \"{escaped}\"\n    auth: none\n");
        Assert.Contains("roles.yaml:3:", error.Message);
        Assert.Contains("roles[0].name", error.Message);
        Assert.Contains(code, error.Message);
        AssertOneLineOfPrintableText(error.Message);
    }

    [Theory]
    [InlineData("database: \"app\\rdb\"\nroles: []\n", "database")]
    [InlineData("database: appdb\nschemas:\n  - name: \"s\\e[31m\"\n    owner: o\nroles:\n  - name: o\n    login: false\n", "schemas[0].name")]
    [InlineData("database: appdb\nroles:\n  - name: a\n    auth: none\n    member_of: [\"g\\r\"]\n  - name: g\n    login: false\n", "roles[0].member_of[0]")]
    [InlineData("database: appdb\nroles:\n  - name: a\n    auth: none\n    search_path: [\"x\\n\"]\n", "roles[0].search_path[0]")]
    [InlineData("database: appdb\nextensions: [\"pg\\u0007\"]\nroles: []\n", "extensions[0]")]
    public void Every_kind_of_name_is_checked_for_control_characters(string yaml, string path)
    {
        var error = Refused(yaml);
        Assert.Contains(path, error.Message);
        Assert.Contains("control character", error.Message);
        AssertOneLineOfPrintableText(error.Message);
    }

    [Fact]
    public void An_unknown_key_with_an_escape_sequence_is_reported_without_the_raw_escape()
    {
        var error = Refused("database: appdb\n\"\\e[2Jroles\": []\n");
        Assert.Contains("\\u001B", error.Message);
        AssertOneLineOfPrintableText(error.Message);
    }
}
