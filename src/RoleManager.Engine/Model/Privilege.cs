namespace RoleManager.Model;

/// <summary>PostgreSQL privileges, as <c>aclexplode</c> names them.</summary>
[Flags]
public enum Privilege
{
    None = 0,
    Select = 1 << 0,
    Insert = 1 << 1,
    Update = 1 << 2,
    Delete = 1 << 3,
    Truncate = 1 << 4,
    References = 1 << 5,
    Trigger = 1 << 6,
    Maintain = 1 << 7,
    Usage = 1 << 8,
    Create = 1 << 9,
    Connect = 1 << 10,
    Temporary = 1 << 11,
    Execute = 1 << 12,
    /// <summary>Not a privilege: marks that some privilege of the entry is held WITH GRANT OPTION (object ACLs).</summary>
    GrantOption = 1 << 13,
}

/// <summary>The kinds of schema objects whose privileges are managed.</summary>
public enum ObjectKind
{
    /// <summary>Tables, views, materialized views, foreign and partitioned tables (what <c>ON ALL TABLES</c> covers).</summary>
    Table,
    Sequence,
    /// <summary>Functions, procedures and aggregates (what <c>ON ALL ROUTINES</c> covers).</summary>
    Routine,
}

public static class Privileges
{
    private static readonly (Privilege Flag, string Sql)[] Names =
    [
        (Privilege.Select, "SELECT"), (Privilege.Insert, "INSERT"), (Privilege.Update, "UPDATE"),
        (Privilege.Delete, "DELETE"), (Privilege.Truncate, "TRUNCATE"), (Privilege.References, "REFERENCES"),
        (Privilege.Trigger, "TRIGGER"), (Privilege.Maintain, "MAINTAIN"), (Privilege.Usage, "USAGE"),
        (Privilege.Create, "CREATE"), (Privilege.Connect, "CONNECT"), (Privilege.Temporary, "TEMPORARY"),
        (Privilege.Execute, "EXECUTE"),
    ];

    public static Privilege Parse(string sqlName) => sqlName switch
    {
        "TEMP" => Privilege.Temporary,
        _ => Names.FirstOrDefault(n => n.Sql == sqlName).Flag,
    };

    /// <summary>Comma-separated SQL keywords in a fixed order, e.g. <c>SELECT, INSERT</c>.</summary>
    public static string ToSql(Privilege privileges) =>
        string.Join(", ", Names.Where(n => privileges.HasFlag(n.Flag)).Select(n => n.Sql));

    /// <summary>Every privilege the object kind has on this server version (what <c>ALL</c> means there).</summary>
    public static Privilege AllFor(ObjectKind kind, int serverVersion) => kind switch
    {
        ObjectKind.Table => Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete
            | Privilege.Truncate | Privilege.References | Privilege.Trigger
            | (serverVersion >= 170000 ? Privilege.Maintain : Privilege.None),
        ObjectKind.Sequence => Privilege.Usage | Privilege.Select | Privilege.Update,
        ObjectKind.Routine => Privilege.Execute,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>What a profile grants on each object kind of its schema.</summary>
    public static Privilege ForProfile(Profile profile, ObjectKind kind, int serverVersion) => (profile, kind) switch
    {
        (Profile.Usage, _) => Privilege.None,
        (Profile.ReadOnly, ObjectKind.Table) => Privilege.Select,
        (Profile.ReadOnly, ObjectKind.Sequence) => Privilege.Select,
        (Profile.ReadOnly, ObjectKind.Routine) => Privilege.None,
        (Profile.ReadWrite, ObjectKind.Table) => Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete,
        (Profile.ReadWrite, ObjectKind.Sequence) => Privilege.Usage | Privilege.Select | Privilege.Update,
        (_, ObjectKind.Routine) => Privilege.Execute,
        (Profile.All or Profile.Owner, _) => AllFor(kind, serverVersion),
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    public static string KindPlural(ObjectKind kind) => kind switch
    {
        ObjectKind.Table => "TABLES",
        ObjectKind.Sequence => "SEQUENCES",
        ObjectKind.Routine => "ROUTINES",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>ALTER DEFAULT PRIVILEGES names routines FUNCTIONS (it covers procedures too).</summary>
    public static string DefaultKindPlural(ObjectKind kind) => kind == ObjectKind.Routine ? "FUNCTIONS" : KindPlural(kind);

    public static string KindSingular(ObjectKind kind) => kind switch
    {
        ObjectKind.Table => "TABLE",
        ObjectKind.Sequence => "SEQUENCE",
        ObjectKind.Routine => "ROUTINE",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
