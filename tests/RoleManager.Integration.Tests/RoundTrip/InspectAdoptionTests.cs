using Npgsql;
using RoleManager.Audit;
using RoleManager.Config;
using RoleManager.Inspect;
using RoleManager.Integration.Tests.Report;
using RoleManager.Model;
using RoleManager.Reporting;

namespace RoleManager.Integration.Tests.RoundTrip;

/// <summary>
/// Adopting a database with <c>inspect &gt; config; apply</c> never gives anyone more than they had (issue 27). Each
/// case is a database made by hand with plain SQL, never by the tool: inspect either refuses and names what it
/// cannot express, or its output plans nothing on that database and applying it changes no answer of PostgreSQL's own
/// has_*_privilege functions, for every role × object × privilege, future objects of the schema owner included.
/// </summary>
public class InspectAdoptionTests
{
    /// <summary>(case, the SQL that makes it, what a refusal must name).</summary>
    public static TheoryData<string> Cases() => new()
    {
        "column grant without pii", "usage only", "grant option", "sequence only", "function only",
        "partial default privilege", "one table of many", "exactly readonly",
    };

    private static string CaseSql(string name, string a) => name switch
    {
        "column grant without pii" => $"GRANT USAGE ON SCHEMA app TO {a}; GRANT SELECT (id, s) ON app.t1 TO {a};",
        "usage only" => $"GRANT USAGE ON SCHEMA app TO {a};",
        "grant option" => $"""
            GRANT USAGE ON SCHEMA app TO {a};
            GRANT SELECT ON ALL TABLES IN SCHEMA app TO {a} WITH GRANT OPTION; GRANT SELECT ON ALL SEQUENCES IN SCHEMA app TO {a};
            SET ROLE owner_placeholder;
            ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO {a}; ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON SEQUENCES TO {a};
            RESET ROLE;
            """,
        "sequence only" => $"GRANT USAGE ON SCHEMA app TO {a}; GRANT USAGE ON SEQUENCE app.s1 TO {a};",
        "function only" => $"GRANT USAGE ON SCHEMA app TO {a}; GRANT EXECUTE ON FUNCTION app.f(integer) TO {a};",
        "partial default privilege" => $"""
            GRANT USAGE ON SCHEMA app TO {a};
            SET ROLE owner_placeholder; ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO {a}; RESET ROLE;
            """,
        "one table of many" => $"GRANT USAGE ON SCHEMA app TO {a}; GRANT SELECT ON app.t2 TO {a};",
        "exactly readonly" => $"""
            GRANT USAGE ON SCHEMA app TO {a};
            GRANT SELECT ON ALL TABLES IN SCHEMA app TO {a}; GRANT SELECT ON ALL SEQUENCES IN SCHEMA app TO {a};
            SET ROLE owner_placeholder;
            ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO {a}; ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON SEQUENCES TO {a};
            RESET ROLE;
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>
    /// What a refusal must name for the case (the object or the schema); null where inspect must print (the config says
    /// USAGE only, named tables and columns; it has no named sequences or routines, nor grant options).
    /// </summary>
    private static string? MustName(string name) => name switch
    {
        "grant option" => "GRANT OPTION",
        "sequence only" => "app.s1",
        "function only" => "routine app.f(",
        "partial default privilege" => "schema app",
        _ => null,
    };

    /// <summary>
    /// The database a DBA made without the tool: an owner (the migrator) with schema app holding three tables (one with a
    /// pii column), a sequence and a function, PUBLIC kept out (as a careful DBA does), and an app role that holds what the case grants.
    /// </summary>
    internal static async Task BuildAsync(TestDatabase db, string sql)
    {
        string m = db.Migrator, a = db.App;
        // The roles as the master makes them on RDS (on 16+ it then holds ADMIN on them); the rest as the superuser.
        await using (var master = await db.MasterAsync())
            await TestDatabase.Exec(master, $"CREATE ROLE {m} LOGIN PASSWORD '{db.MigratorPassword}'; CREATE ROLE {a} LOGIN PASSWORD '{db.AppPassword}';");
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, $"""
            REVOKE ALL ON DATABASE "{db.Name}" FROM PUBLIC; GRANT CONNECT, TEMPORARY ON DATABASE "{db.Name}" TO {m}, {a};
            REVOKE CREATE ON SCHEMA public FROM PUBLIC;
            CREATE SCHEMA app AUTHORIZATION {m};
            SET ROLE {m};
            ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
            CREATE TABLE app.t1 (id int, s text, pii text); CREATE TABLE app.t2 (id int); CREATE TABLE app.t3 (id int);
            CREATE SEQUENCE app.s1;
            CREATE FUNCTION app.f(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x';
            RESET ROLE;
            """);
        await TestDatabase.Exec(su, sql.Replace("owner_placeholder", m));
    }

    /// <summary>The config inspect reads: migrator's schema app, migrator and app, then <paramref name="moreRoles"/> (YAML list items).</summary>
    internal static DesiredState Scope(TestDatabase db, string moreRoles = "") => ConfigLoader.Load($$"""
        database: {{db.Name}}
        auth: password
        schemas: [{ name: app, owner: {{db.Migrator}} }]
        roles:
          - { name: {{db.Migrator}}, password_env: M }
          - { name: {{db.App}}, password_env: A }
        {{moreRoles}}
        """, "scope.yaml", db.Environment, new ConfigDefaults());

    /// <summary>
    /// Every has_*_privilege answer for the roles and PUBLIC, with a table, sequence and function the schema owner creates
    /// inside a rolled-back transaction: what its default privileges give future objects is counted too.
    /// </summary>
    internal static async Task<HashSet<string>> WhatEachRoleCanDoAsync(TestDatabase db, IReadOnlyList<string> roles)
    {
        await using var su = await db.SuperuserAsync();
        await using var transaction = await su.BeginTransactionAsync();
        await TestDatabase.Exec(su, $"""
            SET LOCAL ROLE {roles[0]};
            CREATE TABLE app.future_t (id int); CREATE SEQUENCE app.future_s;
            CREATE FUNCTION app.future_f() RETURNS integer LANGUAGE sql AS 'SELECT 1';
            RESET ROLE;
            """);
        var answers = await PrivilegeOracle.AskAsync(su, [.. roles, PrivilegeGraph.PublicName], db.Server.VersionNum);
        await transaction.RollbackAsync();
        return [.. answers.Where(a => a.Has).Select(a => a.ToString())];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Inspect_of_a_hand_made_database_refuses_or_prints_a_config_that_grants_nothing_new_and_plans_nothing(string name)
    {
        var db = await TestDatabase.CreateAsync();
        await BuildAsync(db, CaseSql(name, db.App));
        var scope = Scope(db);
        var current = await db.Engine().InspectAsync(InspectionScope.For(scope), CancellationToken.None);
        string yaml;
        try
        {
            yaml = InspectYaml.Write(scope, current);
        }
        catch (InspectRefusedException refused)
        {
            Assert.True(MustName(name) is not null, $"inspect refused a database a config can say exactly:\n{refused.Message}");
            Assert.Contains($"role {db.App}", refused.Message);
            Assert.Contains(MustName(name)!, refused.Message);
            return;
        }

        var adopted = ConfigLoader.Load(yaml, "inspected.yaml", db.Environment, new ConfigDefaults());
        var roundTrip = (await db.PlanAsync(adopted)).Plan;
        var before = await WhatEachRoleCanDoAsync(db, [db.Migrator, db.App]);
        await db.ApplyAsync(adopted);
        var after = await WhatEachRoleCanDoAsync(db, [db.Migrator, db.App]);

        var gained = after.Except(before).Order(StringComparer.Ordinal).ToList();
        var lost = before.Except(after).Order(StringComparer.Ordinal).ToList();
        Assert.True(gained.Count == 0 && lost.Count == 0 && roundTrip.IsConverged,
            $"inspect printed:\n{yaml}\napplying it gave {gained.Count} privileges:\n  {string.Join("\n  ", gained)}\nand took {lost.Count}:\n  {string.Join("\n  ", lost)}\n" +
            $"its plan on the database it was read from:\n  {string.Join("\n  ", roundTrip.Changes.Select(c => c.Sql))}");
        Assert.True((await db.PlanAsync(adopted)).Plan.IsConverged, "a second plan after the apply is not empty");
        // check reads the same privilege model: named tables and columns are declared, not drift.
        var (_, check) = await db.Engine().CheckAsync(adopted, new Check.PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        Assert.True(check.Passed, yaml + "\n" + string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
    }

    [Fact]
    public async Task The_cli_refuses_with_exit_1_and_names_the_role_and_sequence_and_prints_no_config()
    {
        var db = await TestDatabase.CreateAsync();
        await BuildAsync(db, CaseSql("sequence only", db.App));
        string file = Path.Combine(Path.GetTempPath(), $"scope-{db.Name}.yaml");
        await File.WriteAllTextAsync(file, $$"""
            database: {{db.Name}}
            auth: none
            schemas: [{ name: app, owner: {{db.Migrator}} }]
            roles: [{ name: {{db.Migrator}} }, { name: {{db.App}} }]
            """);
        var inspect = await CliRunner.RunAsync(CliEnvironment.Master(db), ["inspect", "--config", file]);
        Assert.Equal(1, inspect.ExitCode);
        Assert.Equal("", inspect.StdOut);
        Assert.Contains($"role {db.App} on schema app: holds USAGE on sequence app.s1 beyond profile usage", inspect.StdErr);
    }
}
