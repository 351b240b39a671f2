using System.Text;

namespace RoleManager.Config;

/// <summary>Rules for role, schema and extension names, shared by the YAML loader and the default layout.</summary>
public static class Names
{
    /// <summary>PostgreSQL truncates identifiers longer than NAMEDATALEN - 1 bytes; we refuse them instead.</summary>
    public const int MaxBytes = 63;

    private static readonly string[] ReservedRoles = ["public", "none", "current_user", "session_user", "current_role", "postgres", "rdsadmin", "rdsrepladmin", "rdstopmgr"];

    /// <summary>Null when <paramref name="name"/> is acceptable for an object of <paramref name="what"/> kind; else the problem.</summary>
    public static string? Problem(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name)) return $"{what} name is empty";
        if (name.Contains('\0')) return $"{what} name contains a NUL character";
        // A control (Cc: CR, LF, ESC...) or format (Cf: bidi overrides) character would rewrite the terminal
        // output of plan and check, and the name would print one thing while meaning another.
        if (ControlCharacter(name) is { } at)
            return $"{what} name contains the control character U+{(int)name[at]:X4} at position {at + 1}; names may not contain control or formatting characters";
        if (Encoding.UTF8.GetByteCount(name) > MaxBytes)
            return $"{what} name \"{Shorten(name)}\" is {Encoding.UTF8.GetByteCount(name)} bytes long; PostgreSQL allows at most {MaxBytes}";
        if (name != name.Trim()) return $"{what} name \"{name}\" starts or ends with white space";
        return null;
    }

    public static string? RoleProblem(string name)
    {
        if (Problem(name, "role") is { } problem) return problem;
        string lower = name.ToLowerInvariant();
        if (lower.StartsWith("pg_", StringComparison.Ordinal)) return $"role name \"{name}\" is reserved: names starting with pg_ belong to PostgreSQL";
        if (lower.StartsWith("rds", StringComparison.Ordinal)) return $"role name \"{name}\" is reserved: names starting with rds belong to Amazon RDS";
        if (ReservedRoles.Contains(lower)) return $"role name \"{name}\" is reserved; choose another name";
        return null;
    }

    public static string? SchemaProblem(string name)
    {
        if (Problem(name, "schema") is { } problem) return problem;
        string lower = name.ToLowerInvariant();
        if (lower.StartsWith("pg_", StringComparison.Ordinal)) return $"schema name \"{name}\" is reserved: names starting with pg_ belong to PostgreSQL";
        if (lower == "information_schema") return "schema name \"information_schema\" is reserved";
        return null;
    }

    private static int? ControlCharacter(string name)
    {
        for (int i = 0; i < name.Length; i++)
            if (char.GetUnicodeCategory(name[i]) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format)
                return i;
        return null;
    }

    /// <summary>Text fit for a one-line message: control and formatting characters become <c>\uXXXX</c> (<see cref="Reporting.Printable.Text"/>).</summary>
    public static string Printable(string text) => Reporting.Printable.Text(text);

    private static string Shorten(string s) => s.Length > 20 ? s[..20] + "…" : s;
}
