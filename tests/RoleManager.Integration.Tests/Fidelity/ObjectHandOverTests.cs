namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Fuzz seed 29 on 17 in the rds shape: PostgreSQL lets a non-superuser hand an object over (<c>ALTER … OWNER TO</c>)
/// only when the new owner holds CREATE on the object's schema. The planner handed the master's objects in a managed
/// schema to its declared owner while that owner held no CREATE there, and apply stopped with 42501 ("permission denied
/// for schema reports"): when a superuser had given the schema to a role the master cannot act as (its hand-over is a
/// finding, so the schema stays with that role), and when the owner had revoked CREATE on its own schema (the grant back
/// came after the hand-over). Views, tables and functions go through different code in the server; all three are here.
/// </summary>
public sealed class ObjectHandOverTests
{
    private static string MasterObjects(string schema) =>
        $"CREATE VIEW {schema}.v2 AS SELECT 1 AS x; CREATE TABLE {schema}.t2 (id int); CREATE FUNCTION {schema}.f2() RETURNS int LANGUAGE sql AS 'SELECT 1'; " +
        $"ALTER VIEW {schema}.v2 OWNER TO {PostgresServer.MasterUser}; ALTER TABLE {schema}.t2 OWNER TO {PostgresServer.MasterUser}; " +
        $"ALTER FUNCTION {schema}.f2() OWNER TO {PostgresServer.MasterUser}";

    /// <summary>A superuser runs what the plan's findings show, in their order (the schema's first).</summary>
    private static async Task RunFindingsFixesAsync(TestDatabase db, RoleManager.Model.DesiredState desired, Npgsql.NpgsqlConnection superuser)
    {
        foreach (var finding in (await db.PlanAsync(desired)).Plan.Findings)
            foreach (string statement in finding.FixSql.Split('\n')) await TestDatabase.Exec(superuser, statement);
    }

    /// <summary>
    /// The schema's keeper: a superuser (the master never acts as one, every major), or a role a superuser made, on which
    /// the master holds no ADMIN OPTION (from 16 it cannot act as it; before 16 CREATEROLE can, and the run converges).
    /// </summary>
    [Theory]
    [InlineData("superuser")]
    [InlineData("role without ADMIN OPTION")]
    public async Task The_masters_objects_in_a_schema_a_superuser_gave_away_are_findings_until_the_schema_is_back_not_a_failed_apply(string keeperKind)
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        bool superuserKeeper = keeperKind == "superuser";
        string keeper = superuserKeeper ? PostgresServer.RdsAdmin : db.Prefix + "_keeper";
        await using var superuser = await db.SuperuserAsync();
        if (!superuserKeeper) await TestDatabase.Exec(superuser, $"CREATE ROLE {keeper} NOLOGIN");
        await TestDatabase.Exec(superuser, $"{MasterObjects("reports")}; ALTER SCHEMA reports OWNER TO {keeper}");
        bool kept = superuserKeeper || db.Server.VersionNum >= 160000;

        var plan = (await db.PlanAsync(desired)).Plan;
        if (kept)
        {
            Assert.Contains(plan.Findings, f => f.FixSql.Contains($"ALTER SCHEMA \"reports\" OWNER TO \"{db.Migrator}\"", StringComparison.Ordinal));
            foreach (string handOver in new[] { "VIEW \"reports\".\"v2\"", "TABLE \"reports\".\"t2\"", "FUNCTION \"reports\".\"f2\"()" })
            {
                string sql = $"ALTER {handOver} OWNER TO \"{db.Migrator}\"";
                Assert.DoesNotContain(plan.Changes, c => c.Sql == sql);
                Assert.Contains(plan.Findings, f => f.FixSql.Contains(sql, StringComparison.Ordinal));
            }
        }
        await db.ApplyAsync(desired); // no 42501
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.Equal(kept, !check.Passed);

        // Then apply converges.
        await RunFindingsFixesAsync(db, desired, superuser);
        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        var (_, passed) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(passed.Passed, FidelityRuns.Failures(passed));
        Assert.Equal(db.Migrator, await TestDatabase.Scalar<string>(superuser, "SELECT relowner::regrole::text FROM pg_class WHERE oid = 'reports.v2'::regclass"));
        if (!superuserKeeper) await TestDatabase.Exec(superuser, $"DROP ROLE {keeper}");
    }

    [Fact]
    public async Task The_masters_objects_are_handed_over_after_the_owner_gets_back_the_create_it_revoked_from_itself_on_its_schema()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using var superuser = await db.SuperuserAsync();
        await TestDatabase.Exec(superuser, $"{MasterObjects("reports")}; SET ROLE {db.Migrator}; REVOKE CREATE ON SCHEMA reports FROM {db.Migrator}; RESET ROLE");

        var plan = (await db.PlanAsync(desired)).Plan;
        var sql = plan.Changes.Select(c => c.Sql).ToList();
        int grantBack = sql.FindIndex(s => s.StartsWith("GRANT CREATE ON SCHEMA \"reports\" TO", StringComparison.Ordinal) && s.Contains(db.Migrator, StringComparison.Ordinal));
        int handOver = sql.IndexOf($"ALTER VIEW \"reports\".\"v2\" OWNER TO \"{db.Migrator}\"");
        Assert.True(grantBack >= 0 && handOver > grantBack, string.Join("\n", sql));
        await db.ApplyAsync(desired); // no 42501
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
    }

    /// <summary>
    /// Fuzz seed 182 on 17 (the same class): a grant to revoke on the declared owner's table in a schema that stays with a
    /// superuser. Naming the table needs USAGE on the schema, which its declared owner lost with the schema; the revoke,
    /// acting as that owner, failed 42501 ("permission denied for schema reports"). Now it is a finding after the schema's.
    /// </summary>
    [Fact]
    public async Task A_grant_to_revoke_on_a_table_in_a_schema_a_superuser_gave_away_is_a_finding_not_a_failed_apply()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using var superuser = await db.SuperuserAsync();
        await TestDatabase.Exec(superuser, $"SET ROLE {db.Migrator}; CREATE TABLE reports.t3 (id int); RESET ROLE; " +
            $"GRANT INSERT ON reports.t3 TO {db.App}; ALTER SCHEMA reports OWNER TO {PostgresServer.RdsAdmin}");

        var plan = (await db.PlanAsync(desired)).Plan;
        // One by one or ON ALL TABLES IN SCHEMA, as the privilege planner chooses.
        bool Revoke(string sql) => sql.Contains("REVOKE INSERT ON ", StringComparison.Ordinal) && sql.Contains("\"reports\"", StringComparison.Ordinal)
                                   && sql.Contains($"FROM \"{db.App}\"", StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Changes, c => Revoke(c.Sql));
        Assert.True(plan.Findings.Any(f => Revoke(f.FixSql)), FidelityRuns.Pending(plan));
        await db.ApplyAsync(desired); // no 42501

        await RunFindingsFixesAsync(db, desired, superuser);
        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        Assert.False(await FidelityRuns.AskAsync(superuser, $"has_table_privilege('{db.App}', 'reports.t3', 'INSERT')"));
    }
}
