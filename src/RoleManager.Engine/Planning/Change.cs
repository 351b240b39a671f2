using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace RoleManager.Planning;

/// <summary>What a change does, for grouping and for reading a plan as data.</summary>
public enum ChangeKind
{
    CreateRole,
    AlterRole,
    DropRole,
    GrantMembership,
    RevokeMembership,
    /// <summary>The master user temporarily takes a membership it needs to act for a role (revoked at the end).</summary>
    BeginActingAs,
    EndActingAs,
    GrantDatabase,
    RevokeDatabase,
    CreateExtension,
    CreateSchema,
    AlterSchemaOwner,
    GrantSchema,
    RevokeSchema,
    GrantObjects,
    RevokeObjects,
    GrantDefault,
    RevokeDefault,
    /// <summary>An object of a managed schema handed over to the schema's owner.</summary>
    AlterObjectOwner,
    /// <summary>A password role's password set again (its secret has a new version, or the old one no longer logs in).</summary>
    SetPassword,
    /// <summary>A database-wide setting (<c>ALTER DATABASE … SET</c>) that stops the declared roles doing what they are granted, reset.</summary>
    AlterDatabase,
}

/// <summary>
/// What a change is about, as the fields each of its log lines carries (the Lambda's JSON lines, the CLI's debug
/// lines): set once where the change is built, so the executor never works them out from the SQL. <c>-</c> where
/// the change is not about one (a change of the database's ACL has no schema). A role field may name several
/// grantees, comma-separated, as the statement does.
/// </summary>
public sealed record ChangeLog(string Role = ChangeLog.NotApplicable, string Schema = ChangeLog.NotApplicable, string Object = ChangeLog.NotApplicable)
{
    public const string NotApplicable = "-";

    public static readonly ChangeLog None = new();
}

/// <summary>How far into its schema a change's statement reaches (<see cref="ChangeTarget"/>).</summary>
public enum SchemaReach
{
    /// <summary>Only the objects it names (or no schema at all).</summary>
    Objects,
    /// <summary>The schema itself: its existence, owner or ACL (CREATE SCHEMA, ALTER SCHEMA, GRANT … ON SCHEMA, an extension created in it).</summary>
    Schema,
    /// <summary>The schema and everything in it (ALL … IN SCHEMA, the default privileges in it).</summary>
    Everything,
}

/// <summary>
/// What a change's statement names, as data: the schema, how far into it it reaches, and each object by name, where the
/// log fields may only count them ("12 tables"). Whatever reads a plan for names (the finding that says what of a
/// superuser's a blocked change touches) reads this, never <see cref="Change.Sql"/>.
/// </summary>
public sealed record ChangeTarget(string Schema, SchemaReach Reach, ImmutableArray<string> Objects)
{
    /// <summary>No schema and no object of one (a role, a membership, the database).</summary>
    public static readonly ChangeTarget None = new("", SchemaReach.Objects, ImmutableArray<string>.Empty);

    public static ChangeTarget OnSchema(string schema) => new(schema, SchemaReach.Schema, ImmutableArray<string>.Empty);

    public static ChangeTarget AllIn(string schema) => new(schema, SchemaReach.Everything, ImmutableArray<string>.Empty);

    public static ChangeTarget On(string schema, IEnumerable<string> objects) => new(schema, SchemaReach.Objects, [.. objects]);

    /// <summary>Whether the statement is about <paramref name="schema"/> itself or all that is in it.</summary>
    public bool Touches(string schema) => Reach != SchemaReach.Objects && Schema == schema;

    /// <summary>Whether the statement names the object <paramref name="name"/> of <paramref name="schema"/>, or all of that schema.</summary>
    public bool Touches(string schema, string name) =>
        Schema == schema && (Reach == SchemaReach.Everything || Objects.Contains(name, StringComparer.Ordinal));
}

/// <summary>
/// One step of a plan: a one-line description and the exact SQL that will run. <see cref="Sql"/> is
/// always safe to print; when the real statement carries a secret (a password verifier) it is held
/// in <see cref="SecretSql"/>, which only the executor reveals. <see cref="Log"/> holds the fields to log.
/// </summary>
public sealed record Change(ChangeKind Kind, string Description, string Sql)
{
    [JsonIgnore]
    public Secret? SecretSql { get; init; }

    /// <summary>The role, schema and object the change is about, logged with each statement.</summary>
    public ChangeLog Log { get; init; } = ChangeLog.None;

    /// <summary>The schema and objects the statement names, as data (the SQL is for the server and the reader, not to be parsed).</summary>
    public ChangeTarget Target { get; init; } = ChangeTarget.None;

    public string ExecutableSql() => SecretSql?.Reveal() ?? Sql;
}

/// <summary>
/// Something the plan cannot converge because the master user may not do it (an object owned by a
/// superuser, an attribute only a superuser may set). It is never planned as a change that would fail at
/// apply: it names what is wrong and the exact SQL a superuser (or the object's owner) must run, and the
/// rest of the plan applies.
/// </summary>
/// <param name="Subject">What it is about, e.g. <c>schema public</c> or <c>role app</c>.</param>
/// <param name="Problem">One sentence: what is wrong and why the master cannot fix it.</param>
/// <param name="FixSql">The statement(s) a superuser must run; safe to print.</param>
public sealed record Finding(string Subject, string Problem, string FixSql);

/// <summary>
/// The ordered changes that converge the database, plus the findings the master cannot fix.
/// <see cref="IsEmpty"/> is about changes only: a plan with findings and no changes executes nothing.
/// </summary>
public sealed record Plan(ImmutableArray<Change> Changes, ImmutableArray<Finding> Findings)
{
    public Plan(ImmutableArray<Change> changes) : this(changes, ImmutableArray<Finding>.Empty) { }

    public static readonly Plan Empty = new(ImmutableArray<Change>.Empty, ImmutableArray<Finding>.Empty);

    /// <summary>
    /// Declared roles the plan leaves exactly as they are because they are administrators the config does not declare
    /// (CREATEROLE, SUPERUSER, a path into <c>rds_superuser</c>): each has a finding; the check proves nothing as them.
    /// </summary>
    public ImmutableArray<string> Unmanaged { get; init; } = ImmutableArray<string>.Empty;

    public bool IsEmpty => Changes.IsDefaultOrEmpty;

    /// <summary>Neither changes nor findings: the database is exactly as declared.</summary>
    public bool IsConverged => IsEmpty && Findings.IsDefaultOrEmpty;
}
