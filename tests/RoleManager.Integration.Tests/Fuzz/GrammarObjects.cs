using static RoleManager.Integration.Tests.Fuzz.GrammarContext;

namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>Objects of every kind, made, renamed, dropped and given away by every kind of role; extensions; RLS.</summary>
internal static class GrammarObjects
{
    public static readonly GrammarKind[] Kinds =
    [
        new("create table", 6, c => Create(c, FuzzKind.Table, "t", (s, n) => $"CREATE TABLE {s}.{n} (id int PRIMARY KEY, a text, b int)", columns: ["id", "a", "b"])),
        new("create table with identity", 2, c => CreateWithSequence(c, "ti", (s, n) => $"CREATE TABLE {s}.{n} (id bigint GENERATED ALWAYS AS IDENTITY, note text)", "_id_seq")),
        new("create table with serial", 2, c => CreateWithSequence(c, "ts", (s, n) => $"CREATE TABLE {s}.{n} (id serial, note text)", "_id_seq")),
        new("create partitioned table", 2, CreatePartitioned),
        new("create view", 3, c => Create(c, FuzzKind.View, "v", (s, n) => $"CREATE VIEW {s}.{n} AS " + ViewSource(c))),
        new("create materialized view", 2, c => Create(c, FuzzKind.MaterializedView, "mv", (s, n) => $"CREATE MATERIALIZED VIEW {s}.{n} AS SELECT 1 AS x")),
        new("create sequence", 3, c => Create(c, FuzzKind.Sequence, "sq", (s, n) => $"CREATE SEQUENCE {s}.{n}")),
        new("create function", 4, c => Create(c, FuzzKind.Function, "f", (s, n) => $"CREATE FUNCTION {s}.{n}(a int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + 1'", "integer")),
        new("create security definer function", 2, c => Create(c, FuzzKind.Function, "sd", (s, n) => $"CREATE FUNCTION {s}.{n}() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'")),
        new("create procedure", 2, c => Create(c, FuzzKind.Procedure, "pr", (s, n) => $"CREATE PROCEDURE {s}.{n}(a int) LANGUAGE sql AS 'SELECT a'", "integer")),
        new("create aggregate", 1, c => Create(c, FuzzKind.Aggregate, "ag", (s, n) => $"CREATE AGGREGATE {s}.{n}(int) (SFUNC = int4pl, STYPE = int)", "integer")),
        new("create type or domain", 2, c => Create(c, FuzzKind.Type, "ty", (s, n) => c.Chance(0.5)
            ? $"CREATE DOMAIN {s}.{n} AS int CHECK (VALUE > 0)" : $"CREATE TYPE {s}.{n} AS (x int, y text)")),
        new("create index", 1, CreateIndex),
        new("create extension", 3, CreateExtension),
        new("create schema", 1, CreateSchema),
        new("alter owner", 6, AlterOwner),
        new("alter schema owner", 2, AlterSchemaOwner),
        // Never BY the master: REASSIGN OWNED takes shared objects too, and the master owns every database on the server.
        new("reassign owned", 1, c => new("reassign owned", c.Chance(0.6) ? FuzzRoles.Superuser : FuzzRoles.Master,
            $"REASSIGN OWNED BY {c.Pick(new[] { FuzzRoles.App, FuzzRoles.Other, FuzzRoles.Migrator, FuzzRoles.Reporting })} TO {c.Role()}")),
        new("rename object", 1, Rename),
        new("drop object", 2, Drop),
        new("row level security", 1, RowLevelSecurity),
        new("alter routine", 1, AlterRoutine),
    ];

    private static FuzzStatement Create(GrammarContext c, FuzzKind kind, string stem, Func<string, string, string> sql, string arguments = "",
        string[]? columns = null)
    {
        string schema = c.Schema(), name = c.NewName(stem), actor = c.Actor();
        return new("create " + kind.ToString().ToLowerInvariant(), actor, sql(Q(schema), Q(name)))
        {
            OnSuccess = m => m.Add(new(kind, schema, name, actor, arguments) { Columns = columns ?? [] }),
        };
    }

    private static FuzzStatement CreateWithSequence(GrammarContext c, string stem, Func<string, string, string> sql, string sequenceSuffix)
    {
        string schema = c.Schema(), name = c.NewName(stem), actor = c.Actor();
        return new("create table with a sequence", actor, sql(Q(schema), Q(name)))
        {
            OnSuccess = m =>
            {
                m.Add(new(FuzzKind.Table, schema, name, actor) { Columns = ["id", "note"] });
                m.Add(new(FuzzKind.Sequence, schema, name + sequenceSuffix, actor));
            },
        };
    }

    private static FuzzStatement CreatePartitioned(GrammarContext c)
    {
        string schema = c.Schema(), name = c.NewName("pt"), actor = c.Actor();
        return new("create partitioned table", actor,
            $"CREATE TABLE {Q(schema)}.{Q(name)} (at date NOT NULL, v int) PARTITION BY RANGE (at); " +
            $"CREATE TABLE {Q(schema)}.{Q(name + "_p")} PARTITION OF {Q(schema)}.{Q(name)} FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')")
        {
            OnSuccess = m =>
            {
                m.Add(new(FuzzKind.PartitionedTable, schema, name, actor));
                m.Add(new(FuzzKind.Table, schema, name + "_p", actor) { Columns = ["at", "v"] });
            },
        };
    }

    private static string ViewSource(GrammarContext c) =>
        c.Object(o => o.Kind is FuzzKind.Table or FuzzKind.View) is { } source && c.Chance(0.6) ? $"SELECT * FROM {source.Qualified}" : "SELECT 1 AS x, 'y'::text AS y";

    private static FuzzStatement CreateIndex(GrammarContext c) =>
        c.Object(o => o.Kind == FuzzKind.Table) is { } table
            ? new("create index", c.ActorFor(table), $"CREATE INDEX ON {table.Qualified} ((1))")
            : Nothing("create index");

    /// <summary>Trusted extensions (the master may create them; their members belong to the bootstrap superuser) and untrusted ones.</summary>
    private static FuzzStatement CreateExtension(GrammarContext c)
    {
        string extension = c.Pick(new[] { "pgcrypto", "citext", "pg_trgm", "hstore", "uuid-ossp", "intarray" });
        string actor = c.Chance(0.5) ? FuzzRoles.Master : c.Chance(0.5) ? FuzzRoles.Superuser : c.Actor();
        string schema = c.Chance(0.7) ? c.Pick(FuzzRoles.ManagedSchemas) : c.Pick(c.Model.Schemas);
        return new("create extension", actor, $"CREATE EXTENSION IF NOT EXISTS {Q(extension)} SCHEMA {Q(schema)}");
    }

    private static FuzzStatement CreateSchema(GrammarContext c)
    {
        string name = c.NewName("s"), actor = c.Chance(0.5) ? FuzzRoles.Master : c.Actor();
        string owner = c.Chance(0.5) ? "" : " AUTHORIZATION " + c.Role();
        return new("create schema", actor, $"CREATE SCHEMA {Q(name)}{owner}") { OnSuccess = m => m.Schemas.Add(name) };
    }

    private static FuzzStatement AlterOwner(GrammarContext c)
    {
        if (c.Object(_ => true) is not { } obj) return Nothing("alter owner");
        string owner = c.Role(), actor = c.ActorFor(obj);
        return new("alter owner", actor, $"ALTER {obj.Keyword} {obj.Reference} OWNER TO {owner}")
        {
            OnSuccess = m => m.Replace(obj, obj with { Owner = owner }),
        };
    }

    private static FuzzStatement AlterSchemaOwner(GrammarContext c)
    {
        string schema = c.Chance(0.7) ? c.Pick(FuzzRoles.ManagedSchemas) : c.Pick(c.Model.Schemas);
        return new("alter schema owner", c.Chance(0.5) ? FuzzRoles.Superuser : c.Actor(), $"ALTER SCHEMA {Q(schema)} OWNER TO {c.Role()}");
    }

    private static FuzzStatement Rename(GrammarContext c)
    {
        if (c.Object(o => o.Kind != FuzzKind.Aggregate) is not { } obj) return Nothing("rename object");
        string name = c.NewName("Renamed ");
        return new("rename object", c.ActorFor(obj), $"ALTER {obj.Keyword} {obj.Reference} RENAME TO {Q(name)}")
        {
            OnSuccess = m => m.Replace(obj, obj with { Name = name }),
        };
    }

    private static FuzzStatement Drop(GrammarContext c)
    {
        if (c.Object(_ => true) is not { } obj) return Nothing("drop object");
        // RESTRICT: a dependent object (a view on the table, an identity's sequence) makes the drop fail, so the model stays true.
        return new("drop object", c.ActorFor(obj), $"DROP {obj.Keyword} {obj.Reference} RESTRICT") { OnSuccess = m => m.Remove(obj) };
    }

    private static FuzzStatement RowLevelSecurity(GrammarContext c)
    {
        if (c.Object(o => o.Kind == FuzzKind.Table) is not { } table) return Nothing("row level security");
        string policy = c.NewName("pol");
        return new("row level security", c.ActorFor(table),
            $"ALTER TABLE {table.Qualified} ENABLE ROW LEVEL SECURITY; CREATE POLICY {Q(policy)} ON {table.Qualified} TO {c.Grantee()} USING (true)");
    }

    private static FuzzStatement AlterRoutine(GrammarContext c)
    {
        if (c.Object(o => o.Kind == FuzzKind.Function) is not { } routine) return Nothing("alter routine");
        string change = c.Chance(0.5) ? "SECURITY DEFINER" : "SET search_path = public, pg_temp";
        return new("alter routine", c.ActorFor(routine), $"ALTER FUNCTION {routine.Reference} {change}");
    }
}
