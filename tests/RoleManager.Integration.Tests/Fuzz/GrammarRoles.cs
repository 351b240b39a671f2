using static RoleManager.Integration.Tests.Fuzz.GrammarContext;

namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>
/// Memberships (with ADMIN, and INHERIT/SET on 16+), predefined roles, new roles, default privileges in and out of
/// schemas, role settings (global and in this database), role attributes and passwords, database settings.
/// The master's own role (its settings, attributes, and memberships in the cluster-wide predefined roles) is left alone:
/// it is the operator's login, outside what the tool manages, and it is shared by every seed's database on the server.
/// </summary>
internal static class GrammarRoles
{
    public static readonly GrammarKind[] Kinds =
    [
        new("grant membership", 4, GrantMembership),
        new("revoke membership", 2, RevokeMembership),
        new("grant a predefined role", 2, GrantPredefined),
        new("create role", 1, CreateRole),
        new("default privileges in a schema", 4, c => DefaultPrivileges(c, inSchema: true, grant: true)),
        new("default privileges everywhere", 3, c => DefaultPrivileges(c, inSchema: false, grant: true)),
        new("revoke default privileges in a schema", 2, c => DefaultPrivileges(c, inSchema: true, grant: false)),
        new("revoke default privileges everywhere", 2, c => DefaultPrivileges(c, inSchema: false, grant: false)),
        new("role setting", 3, c => RoleSetting(c, inDatabase: false)),
        new("role setting in this database", 3, c => RoleSetting(c, inDatabase: true)),
        new("reset role settings", 1, ResetRoleSettings),
        new("role attribute", 3, RoleAttribute),
        new("role password", 1, c => new("role password", c.Chance(0.5) ? FuzzRoles.Master : FuzzRoles.Superuser,
            $"ALTER ROLE {c.Pick(FuzzRoles.Declared)} PASSWORD 'fuzz-{c.Random.Next(1000)}'")),
        new("create in schema public", 2, PublicSchema),
        new("database setting", 1, DatabaseSetting),
        new("comment", 1, c => c.Object(_ => true) is { } obj
            ? new("comment", c.ActorFor(obj), $"COMMENT ON {obj.Keyword} {obj.Reference} IS 'touched by hand'") : Nothing("comment")),
    ];

    private static string MembershipActor(GrammarContext c) => c.Random.Next(10) switch
    {
        < 4 => FuzzRoles.Superuser,
        < 8 => FuzzRoles.Master,
        _ => c.Actor(),
    };

    private static FuzzStatement GrantMembership(GrammarContext c)
    {
        string group = c.Role();
        string member = c.Role(master: group != FuzzRoles.Master);
        string options = c.Random.Next(6) switch
        {
            0 => " WITH ADMIN OPTION",
            1 when c.Version >= 160000 => " WITH INHERIT FALSE",
            2 when c.Version >= 160000 => " WITH SET FALSE",
            3 when c.Version >= 160000 => " WITH ADMIN TRUE, INHERIT TRUE, SET FALSE",
            _ => "",
        };
        return new("grant membership", MembershipActor(c), $"GRANT {group} TO {member}{options}");
    }

    /// <summary>
    /// A whole membership, or one of its options: ADMIN on every major, INHERIT and SET (per membership) from 16. One
    /// draw decides which, the same draw as before the option kinds existed, so a seed before 16 replays as it did.
    /// </summary>
    private static FuzzStatement RevokeMembership(GrammarContext c)
    {
        string actor = MembershipActor(c);
        double draw = c.Random.NextDouble();
        string option = draw switch
        {
            < 0.3 => "ADMIN OPTION FOR ",
            < 0.45 when c.Version >= 160000 => "INHERIT OPTION FOR ",
            < 0.6 when c.Version >= 160000 => "SET OPTION FOR ",
            _ => "",
        };
        return new(option.Length == 0 ? "revoke membership" : "revoke membership option", actor, $"REVOKE {option}{c.Role(master: false)} FROM {c.Role()}");
    }

    private static FuzzStatement GrantPredefined(GrammarContext c)
    {
        string[] predefined = c.Version >= 140000
            ? ["pg_read_all_data", "pg_write_all_data", "pg_monitor", "pg_read_all_settings", "pg_signal_backend", "pg_read_all_stats", "rds_superuser"]
            : ["pg_monitor", "pg_read_all_settings", "pg_signal_backend", "pg_read_all_stats", "rds_superuser"];
        return new("grant a predefined role", c.Chance(0.5) ? FuzzRoles.Superuser : FuzzRoles.Master, $"GRANT {c.Pick(predefined)} TO {c.Role(master: false)}");
    }

    private static FuzzStatement CreateRole(GrammarContext c)
    {
        string role = "{p}_" + c.Model.NextName("x");
        return new("create role", c.Chance(0.5) ? FuzzRoles.Master : FuzzRoles.Superuser, $"CREATE ROLE {role} {(c.Chance(0.5) ? "LOGIN" : "NOLOGIN")}")
        {
            OnSuccess = m => m.ExtraRoles.Add(role),
        };
    }

    private static FuzzStatement DefaultPrivileges(GrammarContext c, bool inSchema, bool grant)
    {
        var (what, privileges) = c.Random.Next(6) switch
        {
            0 or 1 => ("TABLES", c.TablePrivileges),
            2 => ("SEQUENCES", SequencePrivileges),
            3 or 4 => ("FUNCTIONS", new[] { "EXECUTE" }),
            _ => ("TYPES", new[] { "USAGE" }),
        };
        string list = privileges.Length > 1 && c.Chance(0.15) ? "ALL" : c.Subset(privileges);
        string forRole = c.Random.Next(3) switch
        {
            0 => "",
            1 => " FOR ROLE " + FuzzRoles.Migrator,
            _ => " FOR ROLE " + c.Role(),
        };
        string schema = inSchema ? " IN SCHEMA " + Q(c.Pick<string>(c.Chance(0.8) ? FuzzRoles.ManagedSchemas : c.Model.Schemas)) : "";
        string body = grant
            ? $"GRANT {list} ON {what} TO {c.Grantee()}{c.GrantOption()}"
            : $"REVOKE {list} ON {what} FROM {c.Grantee()}";
        string actor = forRole == "" ? c.Actor() : c.Chance(0.5) ? FuzzRoles.Superuser : c.Actor();
        return new((grant ? "" : "revoke ") + "default privileges", actor, $"ALTER DEFAULT PRIVILEGES{forRole}{schema} {body}");
    }

    private static string Setting(GrammarContext c) => c.Random.Next(9) switch
    {
        0 => "search_path = public",
        1 => "search_path = reports, app, public",
        2 => "statement_timeout = '5min'",
        3 => "statement_timeout = '1ms'",
        4 => "work_mem = '1GB'",
        5 => "default_transaction_read_only = on",
        6 => "lock_timeout = '1s'",
        7 => "role = " + c.Pick(new[] { FuzzRoles.Group, FuzzRoles.Other, FuzzRoles.App }),
        _ => "application_name = 'by hand'",
    };

    private static FuzzStatement RoleSetting(GrammarContext c, bool inDatabase)
    {
        string role = c.Chance(0.8) ? c.Pick(FuzzRoles.Declared) : c.Role(master: false);
        string actor = c.Chance(0.5) ? FuzzRoles.Master : c.Chance(0.5) ? FuzzRoles.Superuser : role;
        return new(inDatabase ? "role setting in this database" : "role setting", actor,
            $"ALTER ROLE {role}{(inDatabase ? " IN DATABASE \"{db}\"" : "")} SET {Setting(c)}");
    }

    private static FuzzStatement ResetRoleSettings(GrammarContext c)
    {
        string role = c.Pick(FuzzRoles.Declared);
        string scope = c.Chance(0.5) ? " IN DATABASE \"{db}\"" : "";
        return new("reset role settings", c.Chance(0.5) ? FuzzRoles.Master : FuzzRoles.Superuser,
            $"ALTER ROLE {role}{scope} RESET {(c.Chance(0.5) ? "ALL" : "search_path")}");
    }

    /// <summary>
    /// Attributes a DBA changes by hand. SUPERUSER is left out: a declared superuser is a documented refusal
    /// ("the master user cannot manage a superuser"), not drift.
    /// </summary>
    private static FuzzStatement RoleAttribute(GrammarContext c)
    {
        string attribute = c.Pick(new[]
        {
            "CONNECTION LIMIT 0", "CONNECTION LIMIT 2", "CREATEDB", "CREATEROLE", "NOINHERIT", "NOLOGIN",
            "VALID UNTIL '2001-01-01'", "BYPASSRLS", "REPLICATION", "NOCREATEDB",
        });
        return new("role attribute", c.Chance(0.5) ? FuzzRoles.Master : FuzzRoles.Superuser, $"ALTER ROLE {c.Pick(FuzzRoles.Declared)} {attribute}");
    }

    private static FuzzStatement PublicSchema(GrammarContext c)
    {
        string grantee = c.Chance(0.4) ? "PUBLIC" : c.Pick(FuzzRoles.Declared);
        return new("create in schema public", c.Chance(0.5) ? FuzzRoles.Master : FuzzRoles.Superuser, $"GRANT CREATE ON SCHEMA public TO {grantee}");
    }

    private static FuzzStatement DatabaseSetting(GrammarContext c)
    {
        string setting = c.Random.Next(3) switch
        {
            0 => "search_path = public",
            1 => "statement_timeout = '10min'",
            _ => "default_transaction_read_only = on",
        };
        return new("database setting", c.Chance(0.7) ? FuzzRoles.Master : FuzzRoles.Superuser, $"ALTER DATABASE \"{{db}}\" SET {setting}");
    }
}
