
namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Found by fuzz-drift seed 33 on 15 (after findings 2, 3 and 6 were fixed): <c>ALTER ROLE … VALID UNTIL</c> a past date
/// makes every password login fail (28P01), so the password was planned again on every run and check failed forever.
/// The config cannot declare an expiry, so one is drift: plan resets it to <c>infinity</c>, apply does, check passes.
/// </summary>
public sealed class ValidUntilTests
{
    [Fact]
    public async Task A_password_expiry_set_by_hand_is_drift_reset_by_apply()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using (var superuser = await db.SuperuserAsync())
            await TestDatabase.Exec(superuser, $"SET ROLE {PostgresServer.MasterUser}; ALTER ROLE {db.Reporting} VALID UNTIL '2001-01-01'; RESET ROLE");

        var plan = (await db.PlanAsync(desired)).Plan;
        Assert.Contains(plan.Changes, c => c.Sql.Contains("VALID UNTIL 'infinity'", StringComparison.Ordinal) && c.Sql.Contains(db.Reporting, StringComparison.Ordinal));
        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
    }
}
