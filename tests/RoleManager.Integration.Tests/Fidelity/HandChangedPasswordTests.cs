using System.Text.Json;
using RoleManager.Execute;
using RoleManager.Planning;

namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Finding 2 of the drift fuzzer (seeds 4, 15, 16): a password changed by hand must show in plan, be set by apply, and
/// fail check until then — through the engine itself, which every host and the fuzzer call, not only through the hosts'
/// resolver step. The master cannot read pg_authid, so the engine proves each password_env role's password by a login.
/// </summary>
public sealed class HandChangedPasswordTests
{
    private const string ByHand = "changed-by-hand-Kf71q";

    [Fact]
    public async Task A_password_changed_by_hand_shows_in_plan_is_set_by_apply_and_fails_check_until_then()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using (var superuser = await db.SuperuserAsync())
            await TestDatabase.Exec(superuser, $"ALTER ROLE {db.Reporting} PASSWORD '{ByHand}'");

        var plan = (await db.PlanAsync(desired)).Plan;
        var set = Assert.Single(plan.Changes);
        Assert.Equal(ChangeKind.SetPassword, set.Kind);
        Assert.Contains(db.Reporting, set.Description);
        Assert.Contains("does not log in", set.Description);

        var (checkPlan, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.False(check.Passed);
        Assert.Contains(check.Failures, f => f.Role == db.Reporting && f.Name.StartsWith("logs in", StringComparison.Ordinal));
        Assert.Contains(check.Failures, f => f.Name.Contains("plan is empty", StringComparison.Ordinal));

        var applied = await db.ApplyAsync(desired);
        Assert.Equal(1, applied.StatementsExecuted);
        Assert.True((await db.PlanAsync(desired)).Plan.IsEmpty);
        var (_, after) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(after.Passed, FidelityRuns.Failures(after));

        // No password, neither the declared one nor the one set by hand, in anything the runs print.
        string printed = string.Join('\n', plan.Changes.Select(c => c.Description + " " + c.Sql))
            + JsonSerializer.Serialize(check.Assertions.Select(a => new[] { a.Role, a.Name, a.Detail }))
            + string.Join('\n', checkPlan.Plan.Changes.Select(c => c.Description + " " + c.Sql))
            + string.Join('\n', applied.Plan.Changes.Select(c => c.Description + " " + c.Sql));
        foreach (var secret in new[] { ByHand, db.ReportingPassword, db.AppPassword, db.MigratorPassword })
            Assert.DoesNotContain(secret, printed);
    }
}
