using System.Text.RegularExpressions;
using Npgsql;
using RoleManager.Check;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Planning;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// Sentences of docs/security.md that no other test proves, each against a real server set up like RDS.
/// </summary>
public sealed class SecurityDocClaimsTests
{
    private static string Page => Regex.Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "security.md")), @"\s+", " ");

    /// <summary>
    /// §7, the decision per kind: "view | code, security_invoker views (15+) included" and "function, procedure or
    /// aggregate without SECURITY DEFINER | inert", "any other table, sequence | inert". A role outside the layout plants
    /// one of each in the managed schema: the inert ones are handed to the schema's owner, the security_invoker view
    /// stays its planter's and is a finding, and plan and check agree while it stands.
    /// </summary>
    [Fact]
    public async Task A_security_invoker_view_planted_in_a_managed_schema_stays_its_planters_while_inert_objects_go_to_the_owner()
    {
        Assert.Contains("| view | code, `security_invoker` views (15+) included |", Page);
        Assert.Contains("| function, procedure or aggregate without SECURITY DEFINER | inert |", Page);
        var db = await TestDatabase.CreateAsync();
        if (db.Server.VersionNum < 150000) return; // security_invoker views exist from 15
        string outsider = db.Prefix + "_outsider";
        var layout = db.PasswordLayout();
        await db.ApplyAsync(layout);
        await using (var master = await db.MasterAsync())
            await TestDatabase.Exec(master, $"CREATE ROLE {outsider} NOLOGIN");
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"""
                GRANT USAGE, CREATE ON SCHEMA app TO {outsider}; SET ROLE {outsider};
                CREATE VIEW app.mirror WITH (security_invoker = true) AS SELECT 1 AS n;
                CREATE FUNCTION app.plain_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
                CREATE SEQUENCE app.counter;
                RESET ROLE;
                """);

        var result = await db.ApplyAsync(layout);

        Assert.Contains(result.Plan.Findings, f => f.Subject == "view app.mirror" && f.Problem.Contains("carries code", StringComparison.Ordinal));
        var handedOver = result.Plan.Changes.Where(c => c.Kind == ChangeKind.AlterObjectOwner).Select(c => c.Sql).ToList();
        Assert.DoesNotContain(handedOver, s => s.Contains("\"mirror\"", StringComparison.Ordinal));
        Assert.Contains(handedOver, s => s.Contains("\"plain_fn\"", StringComparison.Ordinal));
        Assert.Contains(handedOver, s => s.Contains("\"counter\"", StringComparison.Ordinal));
        await using (var su = await db.SuperuserAsync())
        {
            Assert.Equal(outsider, await TestDatabase.Scalar<string>(su, "SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = 'app.mirror'::regclass"));
            Assert.Equal(db.Migrator, await TestDatabase.Scalar<string>(su, "SELECT pg_get_userbyid(proowner)::text FROM pg_proc WHERE oid = 'app.plain_fn()'::regprocedure"));
            Assert.Equal(db.Migrator, await TestDatabase.Scalar<string>(su, "SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = 'app.counter'::regclass"));
        }
        // "While such a finding stands, check fails ... so plan and check agree."
        var (plan, check) = await db.Engine().CheckAsync(layout, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        Assert.False(check.Passed);
        Assert.True(plan.Plan.IsEmpty);
        Assert.Contains(plan.Plan.Findings, f => f.Subject == "view app.mirror");
    }

    /// <summary>
    /// §7: "Just before DROP OWNED BY, which would delete them, a guard in the same transaction stops the run (2BP01,
    /// nothing applied) if the roles own anything the plan did not see." A superuser gives the retiring role a table
    /// after the inspection, right before the guard runs (the executor's fault-injection hook): the apply fails with
    /// 2BP01, the table and the role are still there, the drift the same plan was to put right is still there, and the
    /// next plan names the table instead of dropping the role.
    /// </summary>
    [Fact]
    public async Task A_table_a_retiring_role_is_given_after_the_inspection_stops_the_drop_with_2bp01_and_nothing_is_applied()
    {
        Assert.Contains("a guard in the same transaction stops the run (2BP01, nothing applied) if the roles own anything the plan did not see.", Page);
        var db = await TestDatabase.CreateAsync();
        string old = db.Prefix + "_old", late = db.Prefix + "_late";
        await db.ApplyAsync(db.PasswordLayout());
        await using (var master = await db.MasterAsync())
            await TestDatabase.Exec(master, $"CREATE ROLE {old} NOLOGIN");
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"REVOKE USAGE ON SCHEMA app FROM {db.App}"); // drift the same apply puts right first
        var layout = db.PasswordLayout($"  - {{ name: {old}, auth: none, drop: true }}");
        bool given = false;
        var executor = new PlanExecutor
        {
            BeforeStatement = async (_, change, _) =>
            {
                if (given || !change.Sql.Contains("rm_guard", StringComparison.Ordinal)) return;
                given = true;
                await using var su = await db.SuperuserAsync();
                await TestDatabase.Exec(su, $"CREATE TABLE public.{late} (id int); ALTER TABLE public.{late} OWNER TO {old}");
            },
        };

        var failed = await Assert.ThrowsAsync<ApplyException>(() => db.ApplyAsync(layout, executor));

        Assert.True(given, "the plan had no guard before DROP OWNED");
        Assert.Equal("2BP01", Assert.IsType<PostgresException>(failed.InnerException).SqlState);
        Assert.Contains("did not see", failed.Message);
        await using (var su = await db.SuperuserAsync())
        {
            Assert.Equal(old, await TestDatabase.Scalar<string>(su, $"SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = 'public.{late}'::regclass"));
            Assert.False(await TestDatabase.Scalar<bool>(su, $"SELECT has_schema_privilege('{db.App}', 'app', 'USAGE')"));
        }
        var next = (await db.PlanAsync(layout)).Plan;
        Assert.DoesNotContain(next.Changes, c => c.Sql.StartsWith("DROP ROLE", StringComparison.Ordinal));
        Assert.Contains(next.Findings, f => f.Problem.Contains(late, StringComparison.Ordinal));
    }

    /// <summary>
    /// §1: the master's startup packet pins search_path and makes the session read-write, as the master, without limits;
    /// "a declared role's login gets only the limits" and "Connections the check opens as a declared role are not
    /// pinned, on purpose: the check asserts the search_path the application will get (the role's own setting)". The
    /// database says read-only, a search_path and a statement timeout; the role says its own search_path.
    /// </summary>
    [Fact]
    public async Task A_declared_roles_login_keeps_its_own_search_path_and_read_only_default_and_gets_only_the_tools_limits()
    {
        Assert.Contains("a declared role's login gets only the limits.", Page);
        Assert.Contains("Connections the check opens as a declared role are not pinned, on purpose", Page.Replace("**", "", StringComparison.Ordinal));
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.PasswordLayout());
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"ALTER DATABASE \"{db.Name}\" SET default_transaction_read_only = on; " +
                                        $"ALTER DATABASE \"{db.Name}\" SET statement_timeout = '7s'; ALTER DATABASE \"{db.Name}\" SET search_path = public");
        var factory = new NpgsqlConnectionFactory(db.MasterSettings);

        await using (var master = await factory.OpenAsync(CancellationToken.None))
        {
            Assert.Equal("pg_catalog,pg_temp", (await TestDatabase.Scalar<string>(master, "SHOW search_path")).Replace(" ", "", StringComparison.Ordinal));
            Assert.Equal("off", await TestDatabase.Scalar<string>(master, "SHOW default_transaction_read_only"));
            Assert.Equal("0", await TestDatabase.Scalar<string>(master, "SHOW statement_timeout"));
        }
        await using (var app = await factory.OpenAsAsync(db.App, new Secret(db.AppPassword), CancellationToken.None))
        {
            Assert.Equal("app", await TestDatabase.Scalar<string>(app, "SHOW search_path")); // its own, from ALTER ROLE ... IN DATABASE
            Assert.Equal("on", await TestDatabase.Scalar<string>(app, "SHOW default_transaction_read_only")); // not the master's override
            Assert.Equal("0", await TestDatabase.Scalar<string>(app, "SHOW statement_timeout")); // the limits only
            Assert.Equal(db.App, await TestDatabase.Scalar<string>(app, "SELECT current_user::text"));
        }
    }
}
