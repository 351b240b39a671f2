using System.Globalization;
using System.Text;

namespace RoleManager.Evidence;

/// <summary>
/// Object names, the contract with the Terraform module's IAM policy: <c>&lt;prefix&gt;&lt;database&gt;/&lt;yyyy-MM-ddTHH-mm-ss.fffZ&gt;-&lt;action&gt;-&lt;request id&gt;.json</c>.
/// The timestamp is UTC with a fixed width, so names sort by time within a database's folder and the newest is the last.
/// </summary>
public static class EvidenceKeys
{
    public const string DefaultPrefix = "role-manager/";
    private const string TimeFormat = "yyyy-MM-dd'T'HH-mm-ss.fff'Z'";

    /// <summary>The folder of one database's evidence, relative to the prefix, ending with "/".</summary>
    public static string Folder(string database) => Segment(database) + "/";

    /// <summary>The object name of one run's evidence, relative to the prefix.</summary>
    public static string Name(string database, DateTimeOffset when, string action, string requestId) =>
        Folder(database) + when.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) + "-" + Segment(action) + "-" + Segment(requestId) + ".json";

    /// <summary>A prefix as given (null or empty: the default) with exactly one trailing "/"; "/" alone means the bucket's root.</summary>
    public static string NormalizePrefix(string? prefix)
    {
        if (prefix is null || prefix.Length == 0) return DefaultPrefix;
        var trimmed = prefix.Trim().Trim('/');
        return trimmed.Length == 0 ? "" : trimmed + "/";
    }

    /// <summary>
    /// A database name (or request id) as one path segment: letters, digits, '.', '_' and '-' stay; anything else (a '/',
    /// a space, a quote) is written %XX in UTF-8, so a name can neither nest folders nor climb out of the prefix.
    /// A name that is only dots gets them escaped too.
    /// </summary>
    public static string Segment(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' || (c == '.' && value.Trim('.').Length > 0)))
                text.Append(c);
            else
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return text.Length == 0 ? "%00" : text.ToString();
    }
}
