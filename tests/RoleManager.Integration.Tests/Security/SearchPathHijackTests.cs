using Npgsql;
using RoleManager.Check;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// An unprivileged role that can create objects in a schema on the master's default search_path
/// (<c>"$user", public</c>) plants operators, functions and an aggregate that shadow what the engine's
/// SQL uses. Each one, when the master runs it, makes the attacker's role CREATEROLE; each one counts
/// its calls on a sequence (nextval is not rolled back), so "never ran" is visible even when the
/// escalation itself would have failed. plan, apply, check and inspect must run none of them.
/// </summary>
public class SearchPathHijackTests
{
    /// <summary>Every signature pg_catalog lacks (or resolves worse) that the engine's SQL could pick, and a few it has.</summary>
    private static readonly string[] Plants =
    [
        // a.grantee = 0: pg_catalog has no =(oid, integer), so this one wins in an unpinned session.
        "CREATE FUNCTION {s}.rm_eq_oid_int(oid, integer) RETURNS boolean {body} RETURN pg_catalog.oideq($1, $2::pg_catalog.oid); END $$",
        "CREATE OPERATOR {s}.= (LEFTARG = oid, RIGHTARG = integer, FUNCTION = {s}.rm_eq_oid_int)",
        "CREATE FUNCTION {s}.rm_eq_name_text(name, text) RETURNS boolean {body} RETURN pg_catalog.nameeqtext($1, $2); END $$",
        "CREATE OPERATOR {s}.= (LEFTARG = name, RIGHTARG = text, FUNCTION = {s}.rm_eq_name_text)",
        "CREATE FUNCTION {s}.rm_eq_text_name(text, name) RETURNS boolean {body} RETURN pg_catalog.texteqname($1, $2); END $$",
        "CREATE OPERATOR {s}.= (LEFTARG = text, RIGHTARG = name, FUNCTION = {s}.rm_eq_text_name)",
        "CREATE FUNCTION {s}.rm_like(text, text) RETURNS boolean {body} RETURN pg_catalog.textlike($1, $2); END $$",
        "CREATE OPERATOR {s}.~~ (LEFTARG = text, RIGHTARG = text, FUNCTION = {s}.rm_like)",
        // Polymorphic built-ins lose to an exact signature elsewhere on the path.
        "CREATE FUNCTION {s}.rm_agg_step(text[], text) RETURNS text[] {body} RETURN pg_catalog.array_append($1, $2); END $$",
        "CREATE AGGREGATE {s}.array_agg(text) (SFUNC = {s}.rm_agg_step, STYPE = text[])",
        "CREATE FUNCTION {s}.unnest(text[]) RETURNS SETOF text {body} RETURN QUERY SELECT pg_catalog.unnest($1); END $$",
        // An unknown literal prefers text: these beat acldefault("char", oid), pg_has_role(name, name|oid, text), nextval(regclass).
        "CREATE FUNCTION {s}.acldefault(text, oid) RETURNS aclitem[] {body} RETURN pg_catalog.acldefault($1::\"char\", $2); END $$",
        "CREATE FUNCTION {s}.pg_has_role(name, text, text) RETURNS boolean {body} RETURN pg_catalog.pg_has_role($1, $2::name, $3); END $$",
        "CREATE FUNCTION {s}.nextval(text) RETURNS bigint {body} RETURN pg_catalog.nextval($1::regclass); END $$",
        "CREATE FUNCTION {s}.current_setting(name) RETURNS text {body} RETURN pg_catalog.current_setting($1::text); END $$",
        "CREATE FUNCTION {s}.has_database_privilege(name, name, text) RETURNS boolean {body} RETURN pg_catalog.has_database_privilege($1, $2::text, $3); END $$",
        "CREATE FUNCTION {s}.pg_advisory_xact_lock(numeric) RETURNS void {body} PERFORM pg_catalog.pg_advisory_xact_lock($1::bigint); END $$",
    ];

    [Fact]
    public async Task Operators_and_functions_planted_on_the_masters_search_path_never_run_during_plan_apply_check_or_inspect()
    {
        var db = await TestDatabase.CreateAsync();
        string attacker = db.Prefix + "_attacker", evil = db.Prefix + "_evil";
        var schemas = await PlantAsync(db, attacker, evil);

        // The attack works against a session that does not pin its search_path: the proof that the plants are live.
        await using (var victim = await db.MasterAsync())
        {
            await TestDatabase.Exec(victim, "SELECT count(*) FROM pg_catalog.aclexplode(pg_catalog.acldefault('d', 10)) a WHERE a.grantee = 0");
        }
        Assert.True(await CallsAsync(db, attacker) > 0, "the planted =(oid, integer) did not run in a plain master session: the test would prove nothing");
        Assert.True(await CreateRoleAsync(db, evil), "the planted operator did not escalate in a plain master session: the test would prove nothing");
        await using (var su = await SafeSuperuserAsync(db))
            await TestDatabase.Exec(su, $"ALTER ROLE {evil} NOCREATEROLE; SELECT pg_catalog.setval('{schemas[0]}.rm_calls', 1, false)");

        var desired = db.DefaultLayout();
        var engine = db.Engine();
        await engine.PlanAsync(desired, CancellationToken.None);
        await engine.ApplyAsync(desired, RoleManager.Execute.ExecutionOptions.Default, dryRun: false, CancellationToken.None);
        var (_, check) = await engine.CheckAsync(desired, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        await engine.InspectAsync(RoleManager.Inspect.InspectionScope.For(desired), CancellationToken.None);
        await engine.ApplyAsync(desired, RoleManager.Execute.ExecutionOptions.Default, dryRun: true, CancellationToken.None);

        Assert.False(await CreateRoleAsync(db, evil), $"{evil} was made CREATEROLE by a planted object run as the master");
        Assert.Equal(0, await CallsAsync(db, attacker));
        Assert.True(check.Passed, string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
    }

    [Fact]
    public async Task The_pinned_search_path_survives_set_role_and_a_role_setting()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"ALTER ROLE {PostgresServer.MasterUser} IN DATABASE \"{db.Name}\" SET search_path = public, pg_catalog");

        await using var conn = await db.Engine().Connections.OpenAsync(CancellationToken.None);
        Assert.Equal("pg_catalog,pg_temp", (await TestDatabase.Scalar<string>(conn, "SHOW search_path")).Replace(" ", ""));
        await TestDatabase.Exec(conn, "SET ROLE rds_superuser");
        Assert.Equal("pg_catalog,pg_temp", (await TestDatabase.Scalar<string>(conn, "SHOW search_path")).Replace(" ", ""));
        await TestDatabase.Exec(conn, "RESET ROLE; RESET search_path");
        Assert.Equal("pg_catalog,pg_temp", (await TestDatabase.Scalar<string>(conn, "SHOW search_path")).Replace(" ", ""));
    }

    /// <summary>Creates the attacker, its escalation target and the plants in every schema it can reach; returns those schemas.</summary>
    private static async Task<string[]> PlantAsync(TestDatabase db, string attacker, string evil)
    {
        string master = PostgresServer.MasterUser;
        await using (var asMaster = await db.MasterAsync())
            // Created by the master so that, on 16+, the master holds ADMIN on it and could really escalate it.
            await TestDatabase.Exec(asMaster, $"CREATE ROLE {evil} NOLOGIN");
        await using (var su = await SafeSuperuserAsync(db))
        {
            await TestDatabase.Exec(su, $"CREATE ROLE {attacker} LOGIN PASSWORD '{TestDatabase.Password(attacker)}'");
            // CREATE on public is PUBLIC's by default up to 14 and kept by databases upgraded from there;
            // CREATE on the database lets it make a schema named like the master, which "$user" finds first.
            await TestDatabase.Exec(su, $"GRANT CREATE ON SCHEMA public TO {attacker}; GRANT CREATE ON DATABASE \"{db.Name}\" TO {attacker}");
        }
        string[] schemas = [master, "public"];
        await using var conn = await db.LoginAsync(attacker);
        await TestDatabase.Exec(conn, "SET search_path = pg_catalog");
        await TestDatabase.Exec(conn, $"CREATE SCHEMA {master}; GRANT USAGE ON SCHEMA {master} TO PUBLIC");
        await TestDatabase.Exec(conn, $"CREATE SEQUENCE {master}.rm_calls; GRANT USAGE, UPDATE ON SEQUENCE {master}.rm_calls TO PUBLIC");
        string body = $"LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_catalog.nextval('{master}.rm_calls'::pg_catalog.regclass); " +
                      $"BEGIN EXECUTE 'ALTER ROLE {evil} CREATEROLE'; EXCEPTION WHEN OTHERS THEN NULL; END;";
        foreach (string schema in schemas)
            foreach (string plant in Plants)
                await TestDatabase.Exec(conn, plant.Replace("{s}", schema).Replace("{body}", body));
        await TestDatabase.Exec(conn, $"GRANT USAGE ON SCHEMA {master} TO PUBLIC");
        return schemas;
    }

    /// <summary>A superuser session that cannot itself be hijacked by the plants.</summary>
    private static async Task<NpgsqlConnection> SafeSuperuserAsync(TestDatabase db)
    {
        var conn = await db.SuperuserAsync();
        await TestDatabase.Exec(conn, "SET search_path = pg_catalog, pg_temp");
        return conn;
    }

    private static async Task<long> CallsAsync(TestDatabase db, string attacker)
    {
        await using var su = await SafeSuperuserAsync(db);
        return await TestDatabase.Scalar<bool>(su, $"SELECT is_called FROM {PostgresServer.MasterUser}.rm_calls")
            ? await TestDatabase.Scalar<long>(su, $"SELECT last_value FROM {PostgresServer.MasterUser}.rm_calls") : 0;
    }

    private static async Task<bool> CreateRoleAsync(TestDatabase db, string role)
    {
        await using var su = await SafeSuperuserAsync(db);
        return await TestDatabase.Scalar<bool>(su, $"SELECT rolcreaterole FROM pg_roles WHERE rolname = '{role}'");
    }
}
