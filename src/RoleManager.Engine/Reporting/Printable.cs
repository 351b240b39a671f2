using System.Globalization;
using System.Net;
using System.Text;

namespace RoleManager.Reporting;

/// <summary>
/// The one function between a name read from the catalog (or a message that embeds one) and a person: a table named
/// <c>x\r ESC[2K ESC[1A … No changes.</c> must print as what it is, not erase the lines above it and print a fake
/// "No changes.". Every control (C0, C1, DEL), format (bidi overrides, zero-width), line/paragraph separator and
/// unpaired surrogate becomes a visible <c>\uXXXX</c> (<c>\UXXXXXXXX</c> above the BMP); everything else is kept,
/// accents and non-Latin scripts included. Every renderer that writes text a person reads uses it: plan/apply/check
/// text, the report's table, Markdown and HTML, error messages and the CLI's log lines.
/// </summary>
public static class Printable
{
    /// <summary>One line: nothing in <paramref name="text"/> can move the cursor, clear, hide or reorder what is printed.</summary>
    public static string Text(string? text) => Escape(text ?? "", keepLayout: false);

    /// <summary>
    /// A message of several lines (an error, a log line): LF and TAB stay layout; every other control becomes visible.
    /// A name with an LF in such a message can add a line, but never rewrite or hide one.
    /// </summary>
    public static string Message(string? text) => Escape(text ?? "", keepLayout: true);

    /// <summary>A Markdown table cell: printable, and <c>|</c>, <c>\</c>, <c>&lt;</c> and backticks cannot end the cell, open HTML or a code span.</summary>
    public static string MarkdownCell(string? text) =>
        Text(text).Replace("\\", "\\\\").Replace("|", "\\|").Replace("<", "&lt;").Replace("`", "'");

    /// <summary>Inside a Markdown code span in a table cell: printable, no backtick to end the span, no <c>|</c> to end the cell.</summary>
    public static string MarkdownCode(string? text) => Text(text).Replace("|", "\\|").Replace("`", "'");

    /// <summary>HTML text or attribute: printable (controls visible as <c>\uXXXX</c>), then encoded.</summary>
    public static string Html(string? text) => WebUtility.HtmlEncode(Text(text));

    /// <summary>
    /// JSON text a person may read on a terminal: the relaxed encoders write format characters (a bidi override) and
    /// line separators as they are, so each is rewritten as its <c>\uXXXX</c> escape. Outside strings JSON is ASCII and
    /// inside them the encoder already escaped every C0 control, so the document means exactly the same.
    /// </summary>
    public static string Json(string json)
    {
        var sb = new StringBuilder(json.Length);
        for (int i = 0; i < json.Length; i++)
        {
            bool hidden = Unprintable(json, i, out int length) && json[i] is not ('\n' or '\r' or '\t');
            for (int k = i; k < i + length; k++)
                if (hidden) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)json[k]:X4}");
                else sb.Append(json[k]);
            i += length - 1;
        }
        return sb.ToString();
    }

    /// <summary>True when <paramref name="text"/> holds a character <see cref="Text"/> would make visible.</summary>
    public static bool NeedsEscape(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (Unprintable(text, i, out int length)) return true;
            i += length - 1;
        }
        return false;
    }

    private static string Escape(string text, bool keepLayout)
    {
        if (!NeedsEscape(text)) return text;
        var sb = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (keepLayout && c is '\n' or '\t') { sb.Append(c); continue; }
            bool bad = Unprintable(text, i, out int length);
            if (!bad) { sb.Append(text, i, length); i += length - 1; continue; }
            if (length == 2) { sb.Append(CultureInfo.InvariantCulture, $"\\U{char.ConvertToUtf32(c, text[i + 1]):X8}"); i++; }
            else sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }
        return sb.ToString();
    }

    /// <summary>Whether the character (or surrogate pair, then <paramref name="length"/> is 2) at <paramref name="i"/> is unprintable.</summary>
    private static bool Unprintable(string text, int i, out int length)
    {
        length = 1;
        char c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            length = 2;
            return Hidden(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1])));
        }
        return char.IsSurrogate(c) || Hidden(char.GetUnicodeCategory(c));
    }

    /// <summary>Whether a code point is one <see cref="Text"/> makes visible (also used by <c>Ident.Quote</c>'s U&amp; form).</summary>
    internal static bool Hidden(int codePoint) => Hidden(CharUnicodeInfo.GetUnicodeCategory(codePoint));

    private static bool Hidden(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
