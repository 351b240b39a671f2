namespace RoleManager.Audit;

/// <summary>Short human phrases shared by the table, Markdown and HTML renderings.</summary>
public static class AuditText
{
    public static string Target(AccessTarget on)
    {
        if (on.Future) return $"future {on.Kind}s created by {on.CreatedBy} in schema {on.Schema}";
        return on.Kind switch
        {
            "database" => $"database {Single(on)}",
            "schema" => $"schema {on.Schema}",
            _ when on.All => $"all {on.Count} {on.Kind}s in {on.Schema}",
            _ => $"{on.Count} {on.Kind}{(on.Count == 1 ? "" : "s")} in {on.Schema}: {List(on.Names, 6)}",
        };
    }

    public static string List(IReadOnlyList<string> names, int max) =>
        string.Join(", ", names.Take(max)) + (names.Count > max ? $", … (+{names.Count - max})" : "");

    public static string Privileges(AccessEntry entry) =>
        string.Join(", ", entry.Actions) + " (" + string.Join(", ", entry.Privileges) + ")" + (entry.Grantable ? " + grant to others" : "");

    public static string Path(AccessEntry entry) => entry.Path.Text + (entry.NeedsSetRole ? " [only after SET ROLE: a membership has no INHERIT]" : "");

    private static string Single(AccessTarget on) => on.Names.Length > 0 ? on.Names[0] : "";
}
