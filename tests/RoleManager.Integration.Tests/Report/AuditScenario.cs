using RoleManager.Audit;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Report;

/// <summary>
/// A database an auditor would worry about, made by the superuser: undeclared groups (nested), predefined-role
/// memberships, a NOINHERIT member and (16+) an INHERIT FALSE membership, PUBLIC grants on the database, a schema and
/// objects, column grants, grant options, an object owned by an unexpected role, and default privileges (global
/// and per schema). Role names carry the test's prefix (roles are cluster-wide).
/// </summary>
public sealed class AuditScenario
{
    private AuditScenario(TestDatabase db) => Db = db;

    public TestDatabase Db { get; }

    public string P => Db.Prefix;

    public string R(string name) => $"{P}_{name}";

    public static async Task<AuditScenario> CreateAsync()
    {
        var scenario = new AuditScenario(await TestDatabase.CreateAsync());
        await scenario.SetUpAsync();
        return scenario;
    }

    public DeclaredLayout Declared => new([R("owner"), R("app")],
        System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("app", R("owner")));

    /// <summary>True on PostgreSQL 13: the scenario is built around pg_read_all_data / pg_write_all_data, which exist from 14.</summary>
    public bool Unsupported => Db.Server.VersionNum < 140000;

    private async Task SetUpAsync()
    {
        if (Unsupported) return;
        await using var su = await Db.SuperuserAsync();
        int version = Db.Server.VersionNum;
        string sql = $"""
            CREATE ROLE {R("owner")} LOGIN;
            CREATE ROLE {R("app")} LOGIN;
            CREATE ROLE {R("readers")} NOLOGIN;
            CREATE ROLE {R("writers")} NOLOGIN;
            CREATE ROLE {R("nested")} NOLOGIN;
            CREATE ROLE {R("alice")} LOGIN;
            CREATE ROLE {R("bob")} LOGIN;
            CREATE ROLE {R("carol")} LOGIN NOINHERIT;
            CREATE ROLE {R("dave")} LOGIN;
            CREATE ROLE {R("frank")} LOGIN;
            CREATE ROLE {R("iam")} LOGIN;
            CREATE ROLE {R("boss")} LOGIN CREATEROLE;
            GRANT {R("readers")} TO {R("nested")};
            GRANT {R("nested")} TO {R("frank")};
            GRANT {R("readers")} TO {R("alice")};
            GRANT {R("readers")} TO {R("carol")};
            GRANT {R("writers")} TO {R("bob")};
            GRANT pg_write_all_data TO {R("writers")};
            GRANT pg_read_all_data TO {R("dave")};
            GRANT rds_iam TO {R("iam")};
            GRANT {R("owner")} TO {R("app")} WITH ADMIN OPTION {(version >= 160000 ? ", INHERIT FALSE" : "")};
            GRANT CREATE ON DATABASE "{Db.Name}" TO {R("app")};
            CREATE SCHEMA app AUTHORIZATION {R("owner")};
            CREATE SCHEMA other AUTHORIZATION {R("app")};
            GRANT USAGE ON SCHEMA app TO {R("readers")};
            GRANT USAGE ON SCHEMA app TO {R("app")} WITH GRANT OPTION;
            GRANT CREATE ON SCHEMA other TO PUBLIC;
            SET ROLE {R("owner")};
            CREATE TABLE app.t1 (id int PRIMARY KEY, v text);
            CREATE TABLE app.t2 (id int, v text, secret text);
            CREATE VIEW app.v1 AS SELECT id FROM app.t1;
            CREATE SEQUENCE app.seq;
            CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';
            CREATE FUNCTION app.g() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
            GRANT SELECT ON app.t1 TO {R("readers")};
            GRANT INSERT ON app.t1 TO PUBLIC;
            GRANT UPDATE (v) ON app.t2 TO {R("alice")};
            GRANT SELECT (id) ON app.t2 TO PUBLIC;
            GRANT REFERENCES (secret) ON app.t2 TO {R("nested")} WITH GRANT OPTION;
            GRANT ALL ON app.seq TO {R("app")} WITH GRANT OPTION;
            REVOKE EXECUTE ON FUNCTION app.g() FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION app.g() TO {R("readers")};
            REVOKE SELECT ON app.v1 FROM {R("owner")};
            ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO {R("readers")};
            ALTER DEFAULT PRIVILEGES GRANT SELECT, USAGE ON SEQUENCES TO {R("app")};
            RESET ROLE;
            CREATE TABLE app.t3 (id int);
            ALTER TABLE app.t3 OWNER TO {R("app")};
            SET ROLE {R("app")};
            CREATE TABLE other.o1 (id int);
            ALTER DEFAULT PRIVILEGES IN SCHEMA other GRANT INSERT ON TABLES TO {R("writers")};
            RESET ROLE;
            """;
        await TestDatabase.Exec(su, sql);
    }

    /// <summary>The roles the oracle checks: this test's, the predefined and RDS ones, the master, the superuser and PUBLIC.</summary>
    public bool IsOurs(string role) => role.StartsWith(P + "_", StringComparison.Ordinal) || role.StartsWith("pg_", StringComparison.Ordinal)
        || role.StartsWith("rds_", StringComparison.Ordinal) || role is PostgresServer.MasterUser or PostgresServer.SuperUser or PrivilegeGraph.PublicName;
}
