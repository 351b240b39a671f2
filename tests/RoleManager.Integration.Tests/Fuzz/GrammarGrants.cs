using static RoleManager.Integration.Tests.Fuzz.GrammarContext;

namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>Grants and revokes on every object kind, on columns, schemas and the database, with and without grant option, to roles and PUBLIC.</summary>
internal static class GrammarGrants
{
    public static readonly GrammarKind[] Kinds =
    [
        new("grant on a table", 8, c => OnObject(c, o => o.IsRelation, c.TablePrivileges, grant: true)),
        new("revoke on a table", 5, c => OnObject(c, o => o.IsRelation, c.TablePrivileges, grant: false)),
        new("grant on a sequence", 3, c => OnObject(c, o => o.Kind == FuzzKind.Sequence, SequencePrivileges, grant: true)),
        new("revoke on a sequence", 2, c => OnObject(c, o => o.Kind == FuzzKind.Sequence, SequencePrivileges, grant: false)),
        new("grant on a routine", 4, c => OnObject(c, o => o.IsRoutine, ["EXECUTE"], grant: true)),
        new("revoke on a routine", 3, c => OnObject(c, o => o.IsRoutine, ["EXECUTE"], grant: false)),
        new("grant on a type", 1, c => OnObject(c, o => o.Kind == FuzzKind.Type, ["USAGE"], grant: true)),
        new("grant on columns", 4, c => OnColumns(c, grant: true)),
        new("revoke on columns", 2, c => OnColumns(c, grant: false)),
        new("grant on all in schema", 4, c => OnAllInSchema(c, grant: true)),
        new("revoke on all in schema", 3, c => OnAllInSchema(c, grant: false)),
        new("grant on a schema", 4, c => OnSchema(c, grant: true)),
        new("revoke on a schema", 2, c => OnSchema(c, grant: false)),
        new("grant on the database", 3, c => OnDatabase(c, grant: true)),
        new("revoke on the database", 2, c => OnDatabase(c, grant: false)),
        new("grant through a grant option", 3, ThroughGrantOption),
    ];

    /// <summary>The privileges a statement names: ALL sometimes, else a subset.</summary>
    private static string Privileges(GrammarContext c, IReadOnlyList<string> all) => all.Count > 1 && c.Chance(0.15) ? "ALL" : c.Subset(all);

    private static FuzzStatement OnObject(GrammarContext c, Func<FuzzObject, bool> where, IReadOnlyList<string> privileges, bool grant)
    {
        string kind = (grant ? "grant" : "revoke") + " on an object";
        if (c.Object(where) is not { } obj) return Nothing(kind);
        string on = obj.IsRoutine ? (obj.Kind == FuzzKind.Procedure ? "PROCEDURE " : "FUNCTION ") + obj.Reference
            : obj.Kind == FuzzKind.Sequence ? "SEQUENCE " + obj.Reference
            : obj.Kind == FuzzKind.Type ? "TYPE " + obj.Reference
            : "TABLE " + obj.Reference;
        return new(kind, c.ActorFor(obj), GrantOrRevoke(c, grant, Privileges(c, privileges), on, c.Grantee()));
    }

    private static string GrantOrRevoke(GrammarContext c, bool grant, string privileges, string on, string grantee) => grant
        ? $"GRANT {privileges} ON {on} TO {grantee}{c.GrantOption()}"
        : $"REVOKE {(c.Chance(0.25) ? "GRANT OPTION FOR " : "")}{privileges} ON {on} FROM {grantee}{(c.Chance(0.3) ? " CASCADE" : "")}";

    private static FuzzStatement OnColumns(GrammarContext c, bool grant)
    {
        string kind = grant ? "grant on columns" : "revoke on columns";
        if (c.Object(o => o.Columns.Count > 0) is not { } table) return Nothing(kind);
        string[] columns = [.. table.Columns.Select(Q)];
        string privilege = c.Pick(new[] { "SELECT", "INSERT", "UPDATE", "REFERENCES" });
        string list = c.Subset(columns);
        return new(kind, c.ActorFor(table), GrantOrRevoke(c, grant, $"{privilege} ({list})", "TABLE " + table.Qualified, c.Grantee()));
    }

    private static FuzzStatement OnAllInSchema(GrammarContext c, bool grant)
    {
        string schema = c.Pick<string>(c.Chance(0.8) ? FuzzRoles.ManagedSchemas : c.Model.Schemas);
        var (what, privileges) = c.Random.Next(5) switch
        {
            0 or 1 => ("TABLES", c.TablePrivileges),
            2 => ("SEQUENCES", SequencePrivileges),
            3 => ("FUNCTIONS", new[] { "EXECUTE" }),
            _ => (c.Chance(0.5) ? "PROCEDURES" : "ROUTINES", new[] { "EXECUTE" }),
        };
        string actor = c.Chance(0.4) ? FuzzRoles.Migrator : c.Actor();
        return new((grant ? "grant" : "revoke") + " on all in schema", actor,
            GrantOrRevoke(c, grant, Privileges(c, privileges), $"ALL {what} IN SCHEMA {Q(schema)}", c.Grantee()));
    }

    private static FuzzStatement OnSchema(GrammarContext c, bool grant)
    {
        string schema = c.Pick<string>(c.Chance(0.7) ? FuzzRoles.ManagedSchemas : c.Model.Schemas);
        string actor = c.Chance(0.4) ? FuzzRoles.Migrator : c.Actor();
        return new((grant ? "grant" : "revoke") + " on a schema", actor,
            GrantOrRevoke(c, grant, Privileges(c, ["USAGE", "CREATE"]), "SCHEMA " + Q(schema), c.Grantee()));
    }

    private static FuzzStatement OnDatabase(GrammarContext c, bool grant)
    {
        string actor = c.Chance(0.5) ? FuzzRoles.Master : c.Actor();
        return new((grant ? "grant" : "revoke") + " on the database", actor,
            GrantOrRevoke(c, grant, Privileges(c, ["CONNECT", "TEMPORARY", "CREATE"]), "DATABASE \"{db}\"", c.Grantee()));
    }

    /// <summary>A role that is not the owner hands on a privilege (works only where it was given the grant option).</summary>
    private static FuzzStatement ThroughGrantOption(GrammarContext c)
    {
        if (c.Object(o => o.IsRelation || o.Kind == FuzzKind.Sequence) is not { } obj) return Nothing("grant through a grant option");
        string grantor = c.Pick(new[] { FuzzRoles.App, FuzzRoles.Reporting, FuzzRoles.Other, FuzzRoles.Master });
        string privilege = obj.Kind == FuzzKind.Sequence ? c.Pick(SequencePrivileges) : c.Pick(c.TablePrivileges);
        string on = (obj.Kind == FuzzKind.Sequence ? "SEQUENCE " : "TABLE ") + obj.Reference;
        return new("grant through a grant option", grantor, $"GRANT {privilege} ON {on} TO {c.Grantee()}{c.GrantOption()}");
    }
}
