
namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Finding 4 of the drift fuzzer (seeds 3, 6, 7, 8, 10, 19, 28) and its schema case, finding 9: an owner that revoked
/// a privilege from itself on its own table, sequence, routine or schema. The planner took an owner to hold everything,
/// so the privilege was never restored (check failed "declared but refused"), and on a schema apply then failed with
/// 42501 acting as that owner. Each case: plan shows the grant back, apply restores it, check passes.
/// </summary>
public sealed class OwnerSelfRevokeTests
{
    [Theory]
    [InlineData("table")]
    [InlineData("sequence")]
    [InlineData("routine")]
    [InlineData("schema")]
    [InlineData("default privileges")]
    public async Task A_privilege_an_owner_revoked_from_itself_is_restored_by_apply(string kind)
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        string m = db.Migrator;
        var (drift, question) = kind switch
        {
            "table" => ($"CREATE TABLE app.t (id int); REVOKE ALL ON app.t FROM {m}", $"has_table_privilege('{m}', 'app.t', 'SELECT')"),
            "sequence" => ($"CREATE SEQUENCE app.s; REVOKE ALL ON SEQUENCE app.s FROM {m}", $"has_sequence_privilege('{m}', 'app.s', 'USAGE')"),
            "routine" => ($"CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; REVOKE ALL ON FUNCTION app.f() FROM {m}, PUBLIC",
                $"has_function_privilege('{m}', 'app.f()', 'EXECUTE')"),
            // Seed 65 (fuzz-drift 31..90 on 15): the creator's global default takes from itself on what it creates next.
            "default privileges" => ($"ALTER DEFAULT PRIVILEGES REVOKE INSERT, DELETE ON TABLES FROM {m}",
                $"(SELECT count(*) = 0 FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE d.defaclrole = '{m}'::regrole AND d.defaclnamespace = 0 AND d.defaclobjtype = 'r') " +
                $"OR (SELECT bool_or(a.grantee = '{m}'::regrole AND a.privilege_type = 'INSERT') FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE d.defaclrole = '{m}'::regrole AND d.defaclnamespace = 0 AND d.defaclobjtype = 'r')"),
            // Finding 9: with a table of its own the schema needs, acting as the owner, USAGE to name it.
            _ => ($"CREATE TABLE reports.t (id int); GRANT SELECT ON reports.t TO {db.App}; REVOKE ALL ON SCHEMA reports FROM {m}",
                $"has_schema_privilege('{m}', 'reports', 'USAGE') AND has_schema_privilege('{m}', 'reports', 'CREATE')"),
        };
        await using var superuser = await db.SuperuserAsync();
        await TestDatabase.Exec(superuser, $"SET ROLE {m}; {drift}; RESET ROLE");
        Assert.False(await FidelityRuns.AskAsync(superuser, question));

        var plan = (await db.PlanAsync(desired)).Plan;
        Assert.Contains(plan.Changes, c => c.Sql.Contains("GRANT ", StringComparison.Ordinal) && c.Sql.EndsWith($"TO \"{m}\"", StringComparison.Ordinal));
        await db.ApplyAsync(desired);
        Assert.True(await FidelityRuns.AskAsync(superuser, question));
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
    }
}
