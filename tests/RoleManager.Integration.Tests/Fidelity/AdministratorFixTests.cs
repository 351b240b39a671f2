namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Fuzz seed 56 on 17: a declared role given CREATEROLE and a predefined role by the superuser. It is refused as an
/// administrator with a finding whose SQL "takes the power away, and the next apply converges the role"; but the SQL was
/// only NOCREATEROLE, and the next plan then named a second finding, the predefined role granted by the bootstrap superuser
/// (which the master may not revoke on 16+). The finding now carries that revoke too: one round of its SQL converges.
/// </summary>
public sealed class AdministratorFixTests
{
    [Fact]
    public async Task One_round_of_an_administrators_finding_sql_is_enough_for_the_next_apply_to_converge()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using var superuser = await db.SuperuserAsync();
        await TestDatabase.Exec(superuser, $"ALTER ROLE {db.App} CREATEROLE; GRANT pg_signal_backend TO {db.App}");

        var plan = (await db.PlanAsync(desired)).Plan;
        var finding = Assert.Single(plan.Findings, f => f.Subject == $"role {db.App}");
        // Before 16 the master may revoke the predefined role itself (the next apply does); from 16 only its grantor may.
        if (db.Server.VersionNum >= 160000) Assert.Contains("REVOKE \"pg_signal_backend\"", finding.FixSql);
        await TestDatabase.Exec(superuser, finding.FixSql);
        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
    }
}
