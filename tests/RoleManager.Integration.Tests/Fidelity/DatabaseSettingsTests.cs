
namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Finding 6 of the drift fuzzer (seeds 1, 11, 24): settings made with <c>ALTER DATABASE … SET</c> reach every session
/// in the database, the tool's own too. The tool's sessions run read-write with their own timeouts, search_path and
/// role whatever the database says (never exit 1 for it); what a setting does to the declared roles is drift: a
/// read-only default is reset by apply, and check fails as a check (exit 3) until then.
/// </summary>
public sealed class DatabaseSettingsTests
{


    [Fact]
    public async Task A_read_only_database_default_shows_in_plan_is_reset_by_apply_and_fails_check_until_then()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using (var superuser = await db.SuperuserAsync())
            await TestDatabase.Exec(superuser, $"SET ROLE {PostgresServer.MasterUser}; ALTER DATABASE \"{db.Name}\" SET default_transaction_read_only = on; RESET ROLE");

        var plan = (await db.PlanAsync(desired)).Plan;
        var reset = Assert.Single(plan.Changes);
        Assert.Equal($"ALTER DATABASE \"{db.Name}\" RESET default_transaction_read_only", reset.Sql);
        Assert.Contains("read-only", reset.Description);

        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.False(check.Passed);
        Assert.Contains(check.Failures, f => f.Name.Contains("plan is empty", StringComparison.Ordinal) && f.Detail.Contains("default_transaction_read_only", StringComparison.Ordinal));

        await db.ApplyAsync(desired);
        Assert.True((await db.PlanAsync(desired)).Plan.IsEmpty);
        var (_, after) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(after.Passed, FidelityRuns.Failures(after));
    }

    /// <summary>The siblings: each setting would break the tool's own session; none is the declared roles' concern.</summary>
    [Theory]
    [InlineData("statement_timeout = '1ms'")]
    [InlineData("lock_timeout = '1ms'")]
    [InlineData("idle_in_transaction_session_timeout = '1ms'")]
    [InlineData("search_path = public")]
    [InlineData("role = {migrator}")]
    public async Task A_database_setting_that_would_break_the_tools_own_session_changes_nothing_it_does(string setting)
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using (var superuser = await db.SuperuserAsync())
        {
            // The master is a member of migrator (it made it), so a database-wide role would make the master act as migrator.
            await TestDatabase.Exec(superuser, $"ALTER DATABASE \"{db.Name}\" SET {setting.Replace("{migrator}", db.Migrator, StringComparison.Ordinal)}");
            // Drift for the apply to undo, so it runs statements in its transaction (and sits idle in it between them).
            await TestDatabase.Exec(superuser, $"REVOKE USAGE ON SCHEMA app FROM {db.App}; ALTER ROLE {db.Reporting} CONNECTION LIMIT 7");
        }

        var applied = await db.ApplyAsync(desired);
        Assert.True(applied.Committed);
        Assert.True((await db.PlanAsync(desired)).Plan.IsEmpty);
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
    }
}
