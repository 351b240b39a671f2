namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>
/// One statement of a seed's starting state: which grammar kind made it, who runs it (<see cref="FuzzRoles.Superuser"/>
/// or a role placeholder such as <c>{app}</c>) and its SQL with placeholders (<see cref="FuzzRoles.Fill"/>).
/// <see cref="OnSuccess"/> tells the grammar's model what now exists, so later statements use it; replays ignore it.
/// </summary>
public sealed record FuzzStatement(string Kind, string Actor, string Sql)
{
    public Action<FuzzModel>? OnSuccess { get; init; }

    public override string ToString() => $"[{Kind}] as {Actor}: {Sql}";
}

/// <summary>What a statement did when the seed ran: null SQLSTATE when it succeeded.</summary>
public sealed record FuzzStep(FuzzStatement Statement, string? SqlState)
{
    public bool Succeeded => SqlState is null;
}

/// <summary>The kinds of object the grammar makes and names again later.</summary>
public enum FuzzKind
{
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    Sequence,
    Function,
    Procedure,
    Aggregate,
    Type,
}

/// <summary>An object the grammar made (or the setup did): its schema, name, argument list for routines, and owner placeholder.</summary>
public sealed record FuzzObject(FuzzKind Kind, string Schema, string Name, string Owner, string Arguments = "")
{
    /// <summary>A table's columns, for column grants.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    public string Qualified => $"{RoleManager.Sql.Ident.Quote(Schema)}.{RoleManager.Sql.Ident.Quote(Name)}";

    /// <summary>The name as GRANT / ALTER take it: routines with their argument types.</summary>
    public string Reference => IsRoutine ? $"{Qualified}({Arguments})" : Qualified;

    public bool IsRoutine => Kind is FuzzKind.Function or FuzzKind.Procedure or FuzzKind.Aggregate;

    public bool IsRelation => Kind is FuzzKind.Table or FuzzKind.PartitionedTable or FuzzKind.View or FuzzKind.MaterializedView;

    /// <summary>The keyword ALTER ... OWNER / RENAME / DROP take for the kind.</summary>
    public string Keyword => Kind switch
    {
        FuzzKind.Table or FuzzKind.PartitionedTable => "TABLE",
        FuzzKind.View => "VIEW",
        FuzzKind.MaterializedView => "MATERIALIZED VIEW",
        FuzzKind.Sequence => "SEQUENCE",
        FuzzKind.Function => "FUNCTION",
        FuzzKind.Procedure => "PROCEDURE",
        FuzzKind.Aggregate => "AGGREGATE",
        FuzzKind.Type => "TYPE",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };
}

/// <summary>
/// What the grammar knows of the database while it writes a seed's statements: the objects, the schemas, the roles
/// it made, the server version. Updated only by statements that succeeded, so every later choice is deterministic
/// for a seed on one PostgreSQL major.
/// </summary>
public sealed class FuzzModel(int versionNum)
{
    public int VersionNum { get; } = versionNum;
    public List<FuzzObject> Objects { get; } = [];
    public List<string> Schemas { get; } = [.. FuzzRoles.ManagedSchemas, "public", FuzzRoles.SideSchema];
    /// <summary>Undeclared roles the statements made (placeholders), beside <see cref="FuzzRoles.Undeclared"/>.</summary>
    public List<string> ExtraRoles { get; } = [];
    public int Counter { get; set; }

    public string NextName(string stem) => $"{stem}{++Counter}";

    public void Add(FuzzObject obj) => Objects.Add(obj);

    public void Remove(FuzzObject obj) => Objects.RemoveAll(o => o.Schema == obj.Schema && o.Name == obj.Name && o.Kind == obj.Kind);

    public void Replace(FuzzObject old, FuzzObject now)
    {
        Remove(old);
        Objects.Add(now);
    }
}
