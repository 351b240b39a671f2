
namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Finding 3 of the drift fuzzer (seeds 4, 7, 13, 17): a grant option on a schema, database or column privilege was
/// never revoked (object-level ones were), so a declared role could pass its access on. Each case: the grant option
/// shows in plan, apply revokes it (the privilege itself stays where declared), and PostgreSQL agrees.
/// </summary>
public sealed class GrantOptionTests
{
    [Theory]
    [InlineData("schema")]
    [InlineData("database")]
    [InlineData("column")]
    public async Task A_grant_option_on_a_schema_database_or_column_privilege_is_revoked_by_apply(string on)
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        var (drift, held, kept) = on switch
        {
            "schema" => ($"SET ROLE {db.Migrator}; GRANT USAGE ON SCHEMA app TO {db.App} WITH GRANT OPTION; RESET ROLE",
                $"has_schema_privilege('{db.App}', 'app', 'USAGE WITH GRANT OPTION')", $"has_schema_privilege('{db.App}', 'app', 'USAGE')"),
            "database" => ($"SET ROLE {PostgresServer.MasterUser}; GRANT CONNECT ON DATABASE \"{db.Name}\" TO {db.Reporting} WITH GRANT OPTION; RESET ROLE",
                $"has_database_privilege('{db.Reporting}', '{db.Name}', 'CONNECT WITH GRANT OPTION')", $"has_database_privilege('{db.Reporting}', '{db.Name}', 'CONNECT')"),
            _ => ($"SET ROLE {db.Migrator}; CREATE TABLE app.events (at int, pii text); GRANT SELECT (at) ON app.events TO {db.App} WITH GRANT OPTION; RESET ROLE",
                $"has_column_privilege('{db.App}', 'app.events', 'at', 'SELECT WITH GRANT OPTION')", $"has_column_privilege('{db.App}', 'app.events', 'at', 'SELECT')"),
        };
        await using var superuser = await db.SuperuserAsync();
        await TestDatabase.Exec(superuser, drift);
        Assert.True(await FidelityRuns.AskAsync(superuser, held));

        var plan = (await db.PlanAsync(desired)).Plan;
        Assert.Contains(plan.Changes, c => c.Sql.StartsWith("REVOKE GRANT OPTION FOR", StringComparison.Ordinal));
        await db.ApplyAsync(desired);
        Assert.True((await db.PlanAsync(desired)).Plan.IsConverged);
        Assert.False(await FidelityRuns.AskAsync(superuser, held));
        Assert.True(await FidelityRuns.AskAsync(superuser, kept));
    }
}
