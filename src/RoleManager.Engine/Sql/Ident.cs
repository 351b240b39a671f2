using System.Globalization;
using System.Text;
using RoleManager.Reporting;

namespace RoleManager.Sql;

/// <summary>
/// The one quoting function. Every identifier that reaches SQL text goes through <see cref="Quote"/>;
/// always quoting (rather than only when needed) keeps case, spaces and keywords exact.
/// </summary>
public static class Ident
{
    public static string Quote(string identifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (identifier.Contains('\0'))
            throw new ArgumentException("An identifier cannot contain a NUL character.", nameof(identifier));
        if (!Printable.NeedsEscape(identifier)) return "\"" + identifier.Replace("\"", "\"\"") + "\"";
        return UnicodeEscaped(identifier);
    }

    /// <summary>
    /// A name read from the catalog may hold controls (CR, ESC) or bidi overrides: written as PostgreSQL's
    /// <c>U&amp;"x\000D"</c> identifier, the SQL a person is shown is printable and is exactly the SQL executed (the
    /// server reads it back to the same name; unlike <c>U&amp;'…'</c> strings it does not depend on
    /// standard_conforming_strings, checked on 13, 15 and 17). Names without such characters keep the plain form.
    /// </summary>
    private static string UnicodeEscaped(string identifier)
    {
        var sb = new StringBuilder("U&\"", identifier.Length + 16);
        for (int i = 0; i < identifier.Length; i++)
        {
            char c = identifier[i];
            int codePoint = c;
            if (char.IsHighSurrogate(c) && i + 1 < identifier.Length && char.IsLowSurrogate(identifier[i + 1])) codePoint = char.ConvertToUtf32(c, identifier[++i]);
            else if (char.IsSurrogate(c)) throw new ArgumentException("An identifier cannot contain an unpaired surrogate.", nameof(identifier));
            if (Printable.Hidden(codePoint) && codePoint <= 0xFFFF) sb.Append(CultureInfo.InvariantCulture, $"\\{codePoint:X4}");
            else if (Printable.Hidden(codePoint)) sb.Append(CultureInfo.InvariantCulture, $"\\+{codePoint:X6}");
            else if (c == '\\') sb.Append("\\\\");
            else if (c == '"') sb.Append("\"\"");
            else sb.Append(char.ConvertFromUtf32(codePoint));
        }
        return sb.Append('"').ToString();
    }

    public static string Qualified(string schema, string name) => Quote(schema) + "." + Quote(name);

    public static string QuoteList(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));

    /// <summary>A string literal (E'' form never needed: standard_conforming_strings is on since 9.1).</summary>
    public static string Literal(string value)
    {
        if (value.Contains('\0'))
            throw new ArgumentException("A literal cannot contain a NUL character.", nameof(value));
        return "'" + value.Replace("'", "''") + "'";
    }

    /// <summary>
    /// Splits a list-valued setting as PostgreSQL stores it (e.g. <c>search_path=app, "My Schema"</c>)
    /// into its identifiers, unquoting where quoted.
    /// </summary>
    public static IReadOnlyList<string> ParseIdentifierList(string value)
    {
        var items = new List<string>();
        var current = new StringBuilder();
        bool inQuotes = false, wasQuoted = false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < value.Length && value[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') inQuotes = false;
                else current.Append(c);
            }
            else if (c == '"') { inQuotes = true; wasQuoted = true; }
            else if (c == ',') { items.Add(Finish(current, wasQuoted)); current.Clear(); wasQuoted = false; }
            else if (!char.IsWhiteSpace(c)) current.Append(c);
        }
        if (current.Length > 0 || wasQuoted) items.Add(Finish(current, wasQuoted));
        return items;

        static string Finish(StringBuilder sb, bool quoted) => quoted ? sb.ToString() : sb.ToString().ToLowerInvariant();
    }
}
