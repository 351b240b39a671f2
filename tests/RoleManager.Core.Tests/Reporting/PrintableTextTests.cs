using RoleManager.Reporting;
using RoleManager.Sql;

namespace RoleManager.Core.Tests;

/// <summary>The one function between a catalog name and a person (issue 26): what it escapes, what it keeps.</summary>
public class PrintableTextTests
{
    [Theory]
    [InlineData("x\r\u001b[2K\nNo changes.\u001b[8m", "x\\u000D\\u001B[2K\\u000ANo changes.\\u001B[8m")]
    [InlineData("ev\u202Eli\u200F", "ev\\u202Eli\\u200F")]
    [InlineData("c1\u009B2J\u0085\u007F", "c1\\u009B2J\\u0085\\u007F")]
    [InlineData("line\u2028para\u2029", "line\\u2028para\\u2029")]
    [InlineData("tag\U000E0001", "tag\\U000E0001")]
    public void Controls_format_characters_and_separators_become_visible_escapes(string name, string printed) =>
        Assert.Equal(printed, Printable.Text(name));

    [Fact]
    public void An_unpaired_surrogate_becomes_visible() => Assert.Equal("lone\\uD800", Printable.Text("lone\uD800"));

    [Theory]
    [InlineData("schéma_ünï → 表 😀")]
    [InlineData("App \"Quoted\" User; DROP")]
    public void Accents_other_scripts_and_emoji_are_kept_as_they_are(string name) => Assert.Equal(name, Printable.Text(name));

    [Fact]
    public void A_message_keeps_its_line_breaks_and_tabs_but_nothing_else() =>
        Assert.Equal("first\n\tsecond \\u000D\\u001B[2K", Printable.Message("first\n\tsecond \r\u001b[2K"));

    [Fact]
    public void A_markdown_cell_cannot_be_ended_or_open_html_or_a_code_span() =>
        Assert.Equal("a\\|b &lt;img src=x> 'c' \\\\ \\\\u000D", Printable.MarkdownCell("a|b <img src=x> `c` \\ \r"));

    [Fact]
    public void Html_is_encoded_and_controls_are_visible() =>
        Assert.Equal("&lt;b&gt;\\u001B[31m&amp;", Printable.Html("<b>\u001b[31m&"));

    [Fact]
    public void Json_has_format_characters_escaped_and_means_the_same()
    {
        string json = "{\n  \"name\": \"ev\u202Eil\u2028 \U000E0001\"\n}";
        string printed = Printable.Json(json);
        Assert.Equal("{\n  \"name\": \"ev\\u202Eil\\u2028 \\uDB40\\uDC01\"\n}", printed);
        Assert.Equal("ev\u202Eil\u2028 \U000E0001", System.Text.Json.JsonDocument.Parse(printed).RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("x\r\u001b[2K", "U&\"x\\000D\\001B[2K\"")]
    [InlineData("a\\b\"c\u202E", "U&\"a\\\\b\"\"c\\202E\"")]
    [InlineData("tag\U000E0001", "U&\"tag\\+0E0001\"")]
    public void An_identifier_with_controls_is_quoted_in_the_unicode_escape_form_only(string name, string quoted) =>
        Assert.Equal(quoted, Ident.Quote(name));
}
