namespace RoleManager.Config;

/// <summary>
/// What a role may declare under <c>settings:</c> (cluster-wide, <c>ALTER ROLE ... SET</c>) and <c>database_settings:</c>
/// (this database, <c>ALTER ROLE ... IN DATABASE ... SET</c>): a setting name is a lower-case identifier (a custom,
/// dotted one is refused: only a superuser may set it on 15+); the value is any single line of text, sent as a quoted literal. Settings that would
/// let a login become someone else, load code, or make the role unable to do what its grants declare are refused.
/// </summary>
public static class RoleSettings
{
    private const string LoadsCode = "loads a server library into every session of the role: code the layout does not declare (and only a superuser may set it)";

    private static readonly Dictionary<string, string> Refused = new(StringComparer.OrdinalIgnoreCase)
    {
        ["search_path"] = "search_path is its own role key: write 'search_path: [schema, ...]' on the role (it is set in this database only)",
        ["role"] = "every login of the role would start as another role (SET ROLE at connection start): it would act beyond what the layout declares for it; use member_of or grants instead",
        ["session_authorization"] = "every login of the role would start as another user (SET SESSION AUTHORIZATION): an escalation, and only a superuser may set it",
        ["local_preload_libraries"] = LoadsCode,
        ["session_preload_libraries"] = LoadsCode,
        ["shared_preload_libraries"] = LoadsCode,
        ["dynamic_library_path"] = LoadsCode,
        ["jit_provider"] = LoadsCode,
        ["session_replication_role"] = "replica mode turns off triggers and foreign-key checks in the role's sessions (and only a superuser may set it)",
        ["default_transaction_read_only"] = "it would make the role's sessions read-only: the role could not do what its grants declare, and check could not prove its refusals (a write is refused with 25006, not 42501); to keep a role from writing, grant it 'profile: readonly'",
        ["transaction_read_only"] = "it would make the role's sessions read-only: the role could not do what its grants declare, and check could not prove its refusals; to keep a role from writing, grant it 'profile: readonly'",
    };

    /// <summary>Null when <paramref name="name"/> may be declared; else why not.</summary>
    public static string? NameProblem(string name)
    {
        if (Names.Problem(name, "setting") is { } problem) return problem;
        var parts = name.Split('.');
        if (parts.Length > 2 || parts.Any(p => !IsIdentifier(p)))
            return $"\"{name}\" is not a setting name: use lower-case letters, digits and _ (e.g. statement_timeout)";
        if (parts.Length == 2)
            return $"setting {name} is refused: from PostgreSQL 15 only a superuser may set a custom (dotted) setting on a role, and RoleManager never acts as one";
        if (Refused.TryGetValue(name, out var why)) return $"setting {name} is refused: {why}";
        return null;
    }

    /// <summary>Null when <paramref name="value"/> may be sent (as a quoted literal); else why not.</summary>
    public static string? ValueProblem(string value)
    {
        if (value.Contains('\0')) return "the value contains a NUL character";
        if (value.Any(char.IsControl)) return "the value contains a control character (a line break, a tab...); write it on one line";
        return null;
    }

    private static bool IsIdentifier(string part) =>
        part.Length > 0 && (char.IsAsciiLetterLower(part[0]) || part[0] == '_')
        && part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '$');
}
