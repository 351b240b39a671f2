using Npgsql;
using RoleManager.Check;
using RoleManager.Model;
using RoleManager.Planning;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// Ownership is privilege (issue 26). A role with ordinary rights writes code, then waits for RoleManager to make a more
/// powerful role its owner: the master, when a retiring role's objects were reassigned to CURRENT_USER; the schema owner,
/// when every object in a managed schema was handed to it. Each plant first proves, in a rolled-back transaction where
/// a superuser makes the powerful role its owner, that it really runs code with its owner's rights; then the run must
/// leave it with the role that wrote it (a finding), and the same trigger must do nothing more than its writer may.
/// </summary>
public class OwnershipEscalationTests
{
    [Fact]
    public async Task A_retiring_roles_security_definer_function_never_becomes_the_masters()
    {
        var db = await TestDatabase.CreateAsync();
        string legacy = db.Prefix + "_legacy", heir = db.Prefix + "_heir", evil = db.Prefix + "_evil";
        string keep = $"  - {{ name: {legacy}, password_env: LEGACY }}\n  - {{ name: {heir}, login: false }}";
        await db.ApplyAsync(db.PasswordLayout(keep));
        // The retiring role's own schema, made while it still could, with a SECURITY DEFINER function anyone may call.
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"GRANT CREATE ON DATABASE \"{db.Name}\" TO {legacy}");
        await using (var asLegacy = await db.LoginAsync(legacy))
            await TestDatabase.Exec(asLegacy, $"""
                CREATE SCHEMA {legacy}_tools;
                GRANT USAGE ON SCHEMA {legacy}_tools TO PUBLIC;
                CREATE FUNCTION {legacy}_tools.housekeeping() RETURNS void SECURITY DEFINER LANGUAGE plpgsql
                    AS $$ BEGIN EXECUTE 'CREATE ROLE {evil} LOGIN CREATEROLE'; END $$;
                """);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"REVOKE CREATE ON DATABASE \"{db.Name}\" FROM {legacy}");
        string call = $"SELECT {legacy}_tools.housekeeping()";
        var masterOwned = await OwnedByMasterAsync(db);

        // Control: owned by the master, app's call creates a CREATEROLE login.
        Assert.True(await EscalatesAsync(db, $"REASSIGN OWNED BY {legacy} TO {PostgresServer.MasterUser}", db.App, call, RoleExists(evil)),
            "the plant did not escalate when the master owned it: the test would prove nothing");

        string retire = $"  - {{ name: {legacy}, auth: none, drop: true }}\n  - {{ name: {heir}, login: false }}";
        var result = await db.ApplyAsync(db.PasswordLayout(retire));

        Assert.Equal("42501", await SqlStateAsRoleAsync(db, db.App, call));
        Assert.False(await RoleExistsAsync(db, evil));
        var finding = Assert.Single(result.Plan.Findings, f => f.Subject == $"role {legacy}");
        Assert.Contains($"function {legacy}_tools.housekeeping()", finding.Problem);
        Assert.Contains($"schema {legacy}_tools", finding.Problem);
        Assert.Contains("reassign_owned_to", finding.Problem);
        Assert.DoesNotContain(result.Plan.Changes, c => c.Sql.Contains("REASSIGN OWNED") || c.Sql.StartsWith("DROP ROLE"));
        Assert.Equal(masterOwned, await OwnedByMasterAsync(db));

        // Named explicitly, an unprivileged heir takes them, and the role goes; the master still owns nothing.
        string retireTo = $"  - {{ name: {legacy}, auth: none, drop: true, reassign_owned_to: {heir} }}\n  - {{ name: {heir}, login: false }}";
        result = await db.ApplyAsync(db.PasswordLayout(retireTo));

        Assert.Contains(result.Plan.Changes, c => c.Sql == $"REASSIGN OWNED BY \"{legacy}\" TO \"{heir}\"");
        Assert.False(await RoleExistsAsync(db, legacy));
        Assert.Equal(masterOwned, await OwnedByMasterAsync(db));
        Assert.Equal("42501", await SqlStateAsRoleAsync(db, db.App, call));
        Assert.False(await RoleExistsAsync(db, evil));
        Assert.True((await db.PlanAsync(db.PasswordLayout(retireTo))).Plan.IsEmpty);
    }

    [Fact]
    public async Task Security_definer_functions_planted_in_a_managed_schema_by_app_and_an_undeclared_role_are_never_handed_to_its_owner()
    {
        var db = await TestDatabase.CreateAsync();
        string outsider = db.Prefix + "_outsider", accomplice = db.Prefix + "_accomplice";
        var layout = db.PasswordLayout();
        await db.ApplyAsync(layout);
        await using (var asMigrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(asMigrator, "CREATE TABLE app.precious (id int)");
        // The drift: app and an undeclared role may create in the managed schema.
        await CreateRolesAsync(db, outsider, accomplice);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"""
                GRANT CREATE ON SCHEMA app TO {db.App}; GRANT USAGE, CREATE ON SCHEMA app TO {outsider}; GRANT USAGE ON SCHEMA app TO {accomplice};
                SET ROLE {db.App};
                CREATE FUNCTION app.app_plant() RETURNS void SECURITY DEFINER LANGUAGE plpgsql AS $$ BEGIN DROP TABLE app.precious; END $$;
                SET ROLE {outsider};
                CREATE FUNCTION app.outsider_plant() RETURNS void SECURITY DEFINER LANGUAGE plpgsql AS $$ BEGIN DROP TABLE app.precious; END $$;
                GRANT EXECUTE ON FUNCTION app.outsider_plant() TO {accomplice};
                RESET ROLE;
                """);
        string handOver = $"ALTER FUNCTION app.app_plant() OWNER TO {db.Migrator}; ALTER FUNCTION app.outsider_plant() OWNER TO {db.Migrator}";
        string gone = "SELECT to_regclass('app.precious') IS NULL";
        Assert.True(await EscalatesAsync(db, handOver, db.App, "SELECT app.app_plant()", gone), "app's plant did not run as migrator");
        Assert.True(await EscalatesAsync(db, handOver, accomplice, "SELECT app.outsider_plant()", gone), "the outsider's plant did not run as migrator");

        var result = await db.ApplyAsync(layout);

        Assert.Equal("42501", await SqlStateAsRoleAsync(db, db.App, "SELECT app.app_plant()"));
        Assert.Equal("42501", await SqlStateAsRoleAsync(db, accomplice, "SELECT app.outsider_plant()"));
        Assert.Contains(result.Plan.Findings, f => f.Subject == "function app.app_plant" && f.FixSql == $"ALTER FUNCTION \"app\".\"app_plant\"() OWNER TO \"{db.Migrator}\"");
        Assert.Contains(result.Plan.Findings, f => f.Subject == "function app.outsider_plant" && f.Problem.Contains("a SECURITY DEFINER function"));
        Assert.DoesNotContain(result.Plan.Changes, c => c.Kind == ChangeKind.AlterObjectOwner);
        Assert.Contains(result.Plan.Changes, c => c.Sql.StartsWith("REVOKE CREATE ON SCHEMA \"app\" FROM ") && c.Sql.Contains($"\"{outsider}\""));
        await using (var su = await db.SuperuserAsync())
        {
            Assert.False(await TestDatabase.Scalar<bool>(su, gone));
            Assert.False(await TestDatabase.Scalar<bool>(su, $"SELECT has_schema_privilege('{outsider}', 'app', 'CREATE') OR has_schema_privilege('{db.App}', 'app', 'CREATE')"));
            // Decided: USAGE of an undeclared role is its own business (docs/security.md); only CREATE is taken.
            Assert.True(await TestDatabase.Scalar<bool>(su, $"SELECT has_schema_privilege('{outsider}', 'app', 'USAGE')"));
        }
        // Plan and check agree: the check fails (app owns a function) and the plan names it, on every run until someone acts.
        var (plan, check) = await db.Engine().CheckAsync(layout, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        Assert.False(check.Passed);
        Assert.True(plan.Plan.IsEmpty);
        Assert.Contains(plan.Plan.Findings, f => f.Subject == "function app.app_plant");
    }

    [Theory]
    [InlineData("PUBLIC")]
    [InlineData("{outsider}")]
    public async Task Create_on_a_managed_schema_held_by_an_undeclared_role_or_public_is_drift_until_apply_revokes_it(string grantee)
    {
        var db = await TestDatabase.CreateAsync();
        string outsider = db.Prefix + "_outsider";
        grantee = grantee.Replace("{outsider}", outsider);
        var layout = db.PasswordLayout();
        await db.ApplyAsync(layout);
        await CreateRolesAsync(db, outsider);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"GRANT USAGE ON SCHEMA app TO {outsider}; GRANT CREATE ON SCHEMA app TO {grantee}");

        var (drift, failed) = await db.Engine().CheckAsync(layout, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        await db.ApplyAsync(layout);
        var (after, passed) = await db.Engine().CheckAsync(layout, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);

        string quoted = grantee == "PUBLIC" ? "PUBLIC" : $"\"{grantee}\"";
        Assert.False(failed.Passed);
        Assert.Contains(drift.Plan.Changes, c => c.Kind == ChangeKind.RevokeSchema && c.Sql == $"REVOKE CREATE ON SCHEMA \"app\" FROM {quoted}");
        Assert.True(after.Plan.IsEmpty);
        Assert.True(passed.Passed, string.Join("\n", passed.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
        await using var check = await db.SuperuserAsync();
        Assert.False(await TestDatabase.Scalar<bool>(check, $"SELECT has_schema_privilege('{outsider}', 'app', 'CREATE')"));
        // Decided: only CREATE is taken from an undeclared role; its USAGE stays (docs/security.md, "Ownership is privilege").
        Assert.True(await TestDatabase.Scalar<bool>(check, $"SELECT has_schema_privilege('{outsider}', 'app', 'USAGE')"));
    }

    [Fact]
    public async Task On_16_and_later_a_retiring_role_the_master_has_no_admin_option_on_is_a_finding_and_the_rest_applies()
    {
        var db = await TestDatabase.CreateAsync();
        if (db.Server.VersionNum < 160000) return; // before 16 CREATEROLE may drop any role that is not a superuser
        string legacy = db.Prefix + "_legacy";
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE ROLE {legacy} LOGIN");

        var result = await db.ApplyAsync(db.PasswordLayout($"  - {{ name: {legacy}, auth: none, drop: true }}"));

        Assert.True(result.Committed);
        Assert.Equal($"GRANT \"{legacy}\" TO \"{PostgresServer.MasterUser}\" WITH ADMIN OPTION", Assert.Single(result.Plan.Findings, f => f.Subject == $"role {legacy}").FixSql);
        Assert.True(await RoleExistsAsync(db, legacy));
        Assert.True(await RoleExistsAsync(db, db.App));
    }

    /// <summary>
    /// A sibling per kind of object that carries code: the undeclared outsider (CREATE and USAGE on schema app) plants it,
    /// granting what the trigger needs to an accomplice; <c>{runner}</c> then runs it as it would after a hand-over.
    /// </summary>
    public static TheoryData<string, string, string, string, string> Siblings() => new()
    {
        // name, the outsider's plant, the finding's subject, who triggers it, the trigger
        { "a view over a table the outsider cannot read",
          "CREATE VIEW app.peek AS SELECT v FROM app.secret; GRANT SELECT ON app.peek TO {accomplice}",
          "view app.peek", "{accomplice}", "SELECT v FROM app.peek" },
        { "a rule",
          "CREATE TABLE app.inbox (v text); CREATE RULE steal AS ON INSERT TO app.inbox DO ALSO DELETE FROM app.secret; GRANT INSERT ON app.inbox TO {accomplice}",
          "table app.inbox", "{accomplice}", "INSERT INTO app.inbox VALUES ('x')" },
        { "an index expression run by ANALYZE as the table owner",
          "CREATE FUNCTION app.wipe() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM app.secret; RETURN 1; EXCEPTION WHEN insufficient_privilege THEN RETURN 0; END $$; " +
          "CREATE FUNCTION app.idx(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN app.wipe() * 0 + $1; END $$; " +
          "CREATE TABLE app.box (n int); CREATE INDEX ON app.box (app.idx(n)); INSERT INTO app.box VALUES (1)",
          "table app.box", "", "ANALYZE app.box" },
        { "a trigger with a SECURITY DEFINER function",
          "CREATE TABLE app.log (v text); " +
          "CREATE FUNCTION app.trg() RETURNS trigger SECURITY DEFINER LANGUAGE plpgsql AS $$ BEGIN DELETE FROM app.secret; RETURN NEW; END $$; " +
          "CREATE TRIGGER wipe BEFORE INSERT ON app.log FOR EACH ROW EXECUTE FUNCTION app.trg(); GRANT INSERT ON app.log TO {accomplice}",
          "table app.log", "{accomplice}", "INSERT INTO app.log VALUES ('x')" },
        { "a SECURITY DEFINER procedure",
          "CREATE PROCEDURE app.tidy() SECURITY DEFINER LANGUAGE plpgsql AS $$ BEGIN DELETE FROM app.secret; END $$; GRANT EXECUTE ON PROCEDURE app.tidy() TO {accomplice}",
          "procedure app.tidy", "{accomplice}", "CALL app.tidy()" },
        { "a materialized view refreshed by its owner",
          "CREATE FUNCTION app.wipe() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM app.secret; RETURN 1; EXCEPTION WHEN insufficient_privilege THEN RETURN 0; END $$; " +
          "CREATE MATERIALIZED VIEW app.totals AS SELECT app.wipe() AS n",
          "materialized view app.totals", "{migrator}", "REFRESH MATERIALIZED VIEW app.totals" },
        { "a row-level security policy forced on the owner's own reads",
          "CREATE FUNCTION app.wipe() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM app.secret; RETURN 1; EXCEPTION WHEN insufficient_privilege THEN RETURN 0; END $$; " +
          "CREATE TABLE app.notes (v text); INSERT INTO app.notes VALUES ('x'); " +
          "ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY; ALTER TABLE app.notes FORCE ROW LEVEL SECURITY; CREATE POLICY wipe ON app.notes USING (app.wipe() >= 0)",
          "table app.notes", "{migrator}", "SELECT count(*) FROM app.notes" },
        { "a default expression run by the owner's own insert",
          "CREATE FUNCTION app.wipe() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM app.secret; RETURN 1; EXCEPTION WHEN insufficient_privilege THEN RETURN 0; END $$; " +
          "CREATE TABLE app.queue (id int, stamp int DEFAULT app.wipe())",
          "table app.queue", "{migrator}", "INSERT INTO app.queue (id) VALUES (1)" },
    };

    [Theory]
    [MemberData(nameof(Siblings))]
    public async Task Code_an_undeclared_role_planted_in_a_managed_schema_is_never_handed_to_the_schema_owner(string name, string plant, string subject, string runner, string trigger)
    {
        _ = name;
        var db = await TestDatabase.CreateAsync();
        string outsider = db.Prefix + "_outsider", accomplice = db.Prefix + "_accomplice";
        string Fill(string sql) => sql.Replace("{accomplice}", accomplice).Replace("{migrator}", db.Migrator);
        var layout = db.PasswordLayout();
        await db.ApplyAsync(layout);
        await using (var asMigrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(asMigrator, "CREATE TABLE app.secret (v text); INSERT INTO app.secret VALUES ('s3cret')");
        await CreateRolesAsync(db, outsider, accomplice);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"""
                GRANT USAGE, CREATE ON SCHEMA app TO {outsider}; GRANT USAGE ON SCHEMA app TO {accomplice};
                SET ROLE {outsider}; {Fill(plant)}; RESET ROLE;
                """);
        // The view's trigger succeeds only when it read the secret: its "escalated" is the trigger's own success.
        bool reads = subject.StartsWith("view", StringComparison.Ordinal);
        string escalated = reads ? "SELECT true" : "SELECT NOT EXISTS (SELECT 1 FROM app.secret)";
        Assert.True(await EscalatesAsync(db, $"REASSIGN OWNED BY {outsider} TO {db.Migrator}", Fill(runner), Fill(trigger), escalated),
            $"{name}: the plant did not run as migrator once migrator owned it: the test would prove nothing");

        var result = await db.ApplyAsync(layout);

        string? state = await SqlStateAsRoleAsync(db, Fill(runner), Fill(trigger));
        await using var check = await db.SuperuserAsync();
        Assert.Equal(1L, await TestDatabase.Scalar<long>(check, "SELECT count(*) FROM app.secret"));
        if (reads) Assert.Equal("42501", state);
        Assert.Contains(result.Plan.Findings, f => f.Subject == subject && f.Problem.Contains("carries code"));
        Assert.DoesNotContain(result.Plan.Changes, c => c.Kind == ChangeKind.AlterObjectOwner && c.Sql.Contains(subject.Split('.')[^1]));
        Assert.Equal(outsider, await TestDatabase.Scalar<string>(check,
            $"SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = to_regclass('{subject.Split(' ')[^1]}') " +
            $"UNION ALL SELECT pg_get_userbyid(proowner)::text FROM pg_proc WHERE proname = '{subject.Split('.')[^1]}' AND pronamespace = 'app'::regnamespace"));
    }

    /// <summary>
    /// In one rolled-back superuser transaction: <paramref name="handOver"/> (what the old planner did), then
    /// <paramref name="trigger"/> as <paramref name="runner"/> (the superuser itself when empty), then whether
    /// <paramref name="escalated"/> holds. The control that the plant is live.
    /// </summary>
    private static async Task<bool> EscalatesAsync(TestDatabase db, string handOver, string runner, string trigger, string escalated)
    {
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, "BEGIN");
        try
        {
            await TestDatabase.Exec(su, handOver);
            if (runner.Length > 0) await TestDatabase.Exec(su, $"SET ROLE {runner}");
            await TestDatabase.Exec(su, trigger);
            await TestDatabase.Exec(su, "RESET ROLE");
            return await TestDatabase.Scalar<bool>(su, escalated);
        }
        finally
        {
            await TestDatabase.Exec(su, "ROLLBACK");
        }
    }

    /// <summary>Runs <paramref name="sql"/> as <paramref name="role"/> (the superuser when empty) and keeps it; its SQLSTATE, or null.</summary>
    private static async Task<string?> SqlStateAsRoleAsync(TestDatabase db, string role, string sql)
    {
        await using var su = await db.SuperuserAsync();
        if (role.Length > 0) await TestDatabase.Exec(su, $"SET ROLE {role}");
        return await TestDatabase.SqlStateOf(su, sql);
    }

    /// <summary>Made by the master, as on RDS where it creates every role: on 16+ it then holds ADMIN on them.</summary>
    private static async Task CreateRolesAsync(TestDatabase db, params string[] roles)
    {
        await using var master = await db.MasterAsync();
        foreach (string role in roles) await TestDatabase.Exec(master, $"CREATE ROLE {role} NOLOGIN");
    }

    private static string RoleExists(string role) => $"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}')";

    private static async Task<bool> RoleExistsAsync(TestDatabase db, string role)
    {
        await using var su = await db.SuperuserAsync();
        return await TestDatabase.Scalar<bool>(su, RoleExists(role));
    }

    /// <summary>What the master owns in the database (schema public, on some shapes).</summary>
    private static async Task<List<string>> OwnedByMasterAsync(TestDatabase db)
    {
        await using var su = await db.SuperuserAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT (pg_identify_object(s.classid, s.objid, s.objsubid)).identity FROM pg_shdepend s " +
            "JOIN pg_database d ON d.oid = s.dbid AND d.datname = current_database() " +
            $"WHERE s.refclassid = 'pg_authid'::regclass AND s.refobjid = '{PostgresServer.MasterUser}'::regrole AND s.deptype = 'o' " +
            "AND s.classid <> 'pg_default_acl'::regclass", su);
        var owned = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) owned.Add(reader.GetString(0));
        return owned;
    }
}
