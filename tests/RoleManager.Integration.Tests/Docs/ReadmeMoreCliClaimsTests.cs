using System.Text.RegularExpressions;
using RoleManager.Config;
using RoleManager.Integration.Tests.Passwords;
using RoleManager.Model;
using RoleManager.UseCases;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README sentences about the command line that no other test read: where the default layout's names come from, and a
/// server that says it is starting up (57P03), as a resuming cluster does. Each runs the real program against a test
/// server set up like RDS.
/// </summary>
public sealed partial class ReadmeMoreCliClaimsTests
{
    [Fact]
    public async Task The_default_layouts_names_come_from_DB_NAME_DB_SCHEMA_APP_USER_and_MIGRATOR_USER_and_the_flags_win()
    {
        // README: "Names come from flags or the reference implementation's environment variables: DB_NAME (--dbname),
        // DB_SCHEMA (--schema), APP_USER (--app-user), MIGRATOR_USER (--migrator-user)."
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        env.Remove("PGDATABASE");
        env["DB_NAME"] = db.Name;
        env["DB_SCHEMA"] = "ledger";

        var byVariables = await CliRunner.RunAsync(env, "plan", "--auth", "none");

        Assert.True(byVariables.ExitCode == 0, byVariables.All);
        Assert.Contains($"CREATE SCHEMA \"ledger\" AUTHORIZATION \"{db.Migrator}\"", byVariables.StdOut);
        Assert.Contains($"GRANT USAGE ON SCHEMA \"ledger\" TO \"{db.App}\"", byVariables.StdOut);
        Assert.Contains($"ON DATABASE \"{db.Name}\"", byVariables.StdOut);

        // The same names given as flags win over variables that name something else.
        env["DB_NAME"] = db.Name + "_not_this_one";
        env["DB_SCHEMA"] = "not_this_schema";
        env["APP_USER"] = db.Prefix + "_not_this_app";
        env["MIGRATOR_USER"] = db.Prefix + "_not_this_migrator";
        var byFlags = await CliRunner.RunAsync(env, "plan", "--auth", "none", "--dbname", db.Name, "--schema", "ledger",
            "--app-user", db.App, "--migrator-user", db.Migrator);

        Assert.True(byFlags.ExitCode == 0, byFlags.All);
        Assert.Contains($"CREATE SCHEMA \"ledger\" AUTHORIZATION \"{db.Migrator}\"", byFlags.StdOut);
        Assert.Contains($"GRANT USAGE ON SCHEMA \"ledger\" TO \"{db.App}\"", byFlags.StdOut);
        Assert.Contains($"ON DATABASE \"{db.Name}\"", byFlags.StdOut);
        Assert.DoesNotContain("not_this", byFlags.All);

        // "else PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD; else DB_HOST, DB_PORT, DB_USER, DB_NAME": in the CLI,
        // PGDATABASE names the default layout's database over DB_NAME, as it names the connection's.
        env["PGDATABASE"] = db.Name;
        env["APP_USER"] = db.App;
        env["MIGRATOR_USER"] = db.Migrator;
        var byPgDatabase = await CliRunner.RunAsync(env, "plan", "--auth", "none", "--schema", "ledger");

        Assert.True(byPgDatabase.ExitCode == 0, byPgDatabase.All);
        Assert.Contains($"ON DATABASE \"{db.Name}\"", byPgDatabase.StdOut);
    }

    [Fact]
    public async Task A_server_that_says_it_is_starting_up_is_tried_again_and_the_run_says_it_may_be_resuming()
    {
        // README: "when the server does not answer within the 15 s connect timeout, or says it is starting up (57P03),
        // the first connection is tried again with backoff ..., with a warning that the cluster may be resuming".
        var db = await TestDatabase.CreateAsync();
        using var proxy = new HoldingProxy(db.Server.Port, TimeSpan.Zero, startingUp: 2);

        // Two answered 57P03, then the real server.
        await ResumingClusterTests.PlanIsWaitedForThroughAsync(db, proxy, attempts: 3);
    }

    [Fact]
    public async Task An_iam_login_role_has_no_password_whether_apply_creates_it_or_switches_it_from_a_password()
    {
        // README: "IAM database authentication (rds_iam) for the login roles, so no passwords exist for them".
        var created = await TestDatabase.CreateAsync();
        await created.ApplyAsync(created.DefaultLayout(AuthMode.Iam));
        Assert.Equal("", await RolesWithAPasswordAsync(created));

        var switched = await TestDatabase.CreateAsync();
        await switched.ApplyAsync(switched.DefaultLayout(AuthMode.Password));
        Assert.Equal($"{switched.App},{switched.Migrator}", await RolesWithAPasswordAsync(switched));
        await switched.ApplyAsync(switched.DefaultLayout(AuthMode.Iam));
        Assert.Equal("", await RolesWithAPasswordAsync(switched));
        Assert.True((await switched.PlanAsync(switched.DefaultLayout(AuthMode.Iam))).Plan.IsEmpty);
    }

    [Fact]
    public async Task A_converged_plan_apply_and_check_each_cost_one_refused_login_per_password_env_role_in_the_servers_log()
    {
        // README: "The cost: one more login per password_env role on each plan, apply and check ..., which the server
        // logs as password authentication failed" (the login with a random value that tells a real check from trust).
        var db = await TestDatabase.CreateAsync();
        var request = db.Request(RunAction.Apply, layout: new LayoutInputs(ConfigText: EnvironmentPasswordTests.BiYaml(db)))
            with { LayoutEnvironment = name => name == "BI_PASSWORD" ? "env-bi-Pw-7rTq2LmX" : null };
        Assert.True((await new RoleManagerRun().RunAsync(request, CancellationToken.None)).Committed);
        string refused = $"password authentication failed for user \"{db.Prefix}_bi\"";

        var counts = new List<string>();
        foreach (var action in new[] { RunAction.Plan, RunAction.Apply, RunAction.Check })
        {
            var logged = await db.Server.LogLinesAsync(db.Name, async () => await new RoleManagerRun().RunAsync(request with { Action = action }, CancellationToken.None));
            counts.Add($"{action} {logged.Count(line => line.Contains(refused, StringComparison.Ordinal))}");
        }

        Assert.Equal("Plan 1, Apply 1, Check 1", string.Join(", ", counts));
    }

    [Fact]
    public async Task App_holds_exactly_what_the_readmes_table_says_on_objects_that_existed_before_the_first_apply()
    {
        // README, "What it builds": "| existing objects in `app` | app: `SELECT, INSERT, UPDATE, DELETE` on tables;
        // `USAGE, SELECT, UPDATE` on sequences; `EXECUTE` on routines |".
        var row = DocRow().Match(Regex.Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")), @"\s+", " "));
        Assert.True(row.Success, "the README's row for existing objects in app is gone or reworded");
        var db = await TestDatabase.CreateAsync();
        await db.SeedExistingObjectsAsync(); // tables, a sequence, a view and a function the master made before any apply

        await db.ApplyAsync(db.DefaultLayout());

        await using var su = await db.SuperuserAsync();
        string Object(string kind, string name) => $"(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' AND c.relname = '{name}' AND c.relkind = '{kind}')";
        async Task<string> HeldAsync(string function, string oid, string[] privileges)
        {
            var held = new List<string>();
            foreach (string privilege in privileges)
                if (await TestDatabase.Scalar<bool>(su, $"SELECT {function}('{db.App}', {oid}, '{privilege}')")) held.Add(privilege);
            return string.Join(", ", held);
        }
        string[] tablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
        Assert.Equal(row.Groups["tables"].Value, await HeldAsync("has_table_privilege", Object("r", "customers"), tablePrivileges));
        Assert.Equal(row.Groups["tables"].Value, await HeldAsync("has_table_privilege", Object("v", "order_totals"), tablePrivileges));
        Assert.Equal(row.Groups["sequences"].Value, await HeldAsync("has_sequence_privilege", Object("S", "invoice_numbers"), ["USAGE", "SELECT", "UPDATE"]));
        Assert.Equal(row.Groups["routines"].Value, await HeldAsync("has_function_privilege",
            "(SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'app' AND p.proname = 'add')", ["EXECUTE"]));
    }

    [GeneratedRegex(@"\| existing objects in `app` \| app: `(?<tables>[A-Z, ]+)` on tables; `(?<sequences>[A-Z, ]+)` on sequences; `(?<routines>[A-Z, ]+)` on routines \|")]
    private static partial Regex DocRow();

    /// <summary>The test database's login roles that hold a password, as pg_authid (readable by a superuser only) says.</summary>
    private static async Task<string> RolesWithAPasswordAsync(TestDatabase db)
    {
        await using var su = await db.SuperuserAsync();
        return await TestDatabase.Scalar<string>(su, $"""
            SELECT coalesce(string_agg(rolname, ',' ORDER BY rolname), '') FROM pg_authid
            WHERE rolname IN ('{db.App}', '{db.Migrator}') AND rolpassword IS NOT NULL
            """);
    }
}
