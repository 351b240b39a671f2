using RoleManager.Model;

namespace RoleManager.Audit;

/// <summary>Privilege names and the auditor's verbs for them; "OWN" stands for ownership (ALTER, DROP, GRANT anything).</summary>
public static class AuditPrivileges
{
    /// <summary>Ownership, carried in the same flags as real privileges inside the builder only.</summary>
    internal const Privilege Own = (Privilege)(1 << 24);

    private static readonly (Privilege Flag, string Sql, string Action)[] Table =
    [
        (Privilege.Connect, "CONNECT", "connect"), (Privilege.Create, "CREATE", "create"), (Privilege.Temporary, "TEMPORARY", "temporary"),
        (Privilege.Usage, "USAGE", "use"), (Privilege.Select, "SELECT", "read"), (Privilege.Insert, "INSERT", "write"),
        (Privilege.Update, "UPDATE", "write"), (Privilege.Delete, "DELETE", "delete"), (Privilege.Truncate, "TRUNCATE", "truncate"),
        (Privilege.References, "REFERENCES", "reference"), (Privilege.Trigger, "TRIGGER", "trigger"), (Privilege.Maintain, "MAINTAIN", "maintain"),
        (Privilege.Execute, "EXECUTE", "execute"), (Own, "OWN", "own"),
    ];

    public static IEnumerable<Privilege> Each(Privilege privileges) => Table.Where(t => (privileges & t.Flag) != 0).Select(t => t.Flag);

    public static string Sql(Privilege privilege) => Table.First(t => t.Flag == privilege).Sql;

    public static string Action(string sql) => Table.First(t => t.Sql == sql).Action;

    public static int Order(string sql) => Array.FindIndex(Table, t => t.Sql == sql);

    /// <summary>Every privilege an object of the kind has on the server version (what has_*_privilege accepts).</summary>
    public static Privilege AllFor(string kind, int versionNum) => kind switch
    {
        "database" => Privilege.Connect | Privilege.Create | Privilege.Temporary,
        "schema" => Privilege.Usage | Privilege.Create,
        "table" => Privileges.AllFor(ObjectKind.Table, versionNum),
        "sequence" => Privileges.AllFor(ObjectKind.Sequence, versionNum),
        "routine" => Privilege.Execute,
        "column" => Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.References,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string KindName(ObjectKind kind) => kind switch
    {
        ObjectKind.Table => "table",
        ObjectKind.Sequence => "sequence",
        _ => "routine",
    };
}
