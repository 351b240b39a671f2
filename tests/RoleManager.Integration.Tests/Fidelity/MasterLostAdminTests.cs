namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Fuzz seed 89 on 17 (16+): the superuser revoked the master's own membership in a declared role it created
/// (<c>REVOKE migrator FROM master</c>), so the master holds no ADMIN OPTION on it and cannot act as it (GRANT … TO
/// CURRENT_USER is refused, 42501). Plan, apply and check stopped with that error; now what needs the role is a finding
/// naming the missing ADMIN OPTION (finding 8's class, for a declared role), check fails as a check, and once a
/// superuser gives the ADMIN OPTION back, apply converges and check passes.
/// </summary>
public sealed class MasterLostAdminTests
{
    [Since16Fact]
    public async Task A_declared_owner_the_master_lost_admin_on_is_a_finding_and_a_failed_check_not_an_error()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE app.t (id int)");
        await db.ApplyAsync(desired);
        await using var superuser = await db.SuperuserAsync();
        // Drift that needs the owner's rights to fix, then the master loses its ADMIN OPTION on the owner. CASCADE: with
        // createrole_self_grant (RDS on 16+, the rds and selfgrant shapes) the master also holds a second membership, SET
        // and INHERIT granted by itself, which rests on that ADMIN OPTION; without CASCADE the revoke is refused (2BP01).
        await TestDatabase.Exec(superuser, $"REVOKE SELECT ON app.t FROM {db.App}; REVOKE {db.Migrator} FROM {PostgresServer.MasterUser} CASCADE");
        Assert.Equal(0L, await TestDatabase.Scalar<long>(superuser,
            $"SELECT count(*) FROM pg_auth_members WHERE roleid = '{db.Migrator}'::regrole AND member = '{PostgresServer.MasterUser}'::regrole"));

        var plan = (await db.PlanAsync(desired)).Plan;
        var finding = Assert.Single(plan.Findings, f => f.Subject == $"role {db.Migrator}");
        Assert.Equal($"GRANT \"{db.Migrator}\" TO \"{PostgresServer.MasterUser}\" WITH ADMIN OPTION", finding.FixSql);
        Assert.Contains("holds no ADMIN OPTION", finding.Problem);
        // What needed the owner's rights (SELECT back to app on its table) is a finding too, with its SQL, not a change.
        Assert.Contains(plan.Findings, f => f.FixSql.Contains("GRANT SELECT", StringComparison.Ordinal) && f.FixSql.Contains(db.App, StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Changes, c => c.Sql.StartsWith($"GRANT \"{db.Migrator}\" TO CURRENT_USER", StringComparison.Ordinal));
        await db.ApplyAsync(desired); // no 42501
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.False(check.Passed);
        Assert.Contains(check.Failures, f => f.Role == db.Migrator && f.Detail.Contains("ADMIN OPTION", StringComparison.Ordinal));

        await TestDatabase.Exec(superuser, finding.FixSql);
        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        var (_, passed) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(passed.Passed, FidelityRuns.Failures(passed));
    }
}
