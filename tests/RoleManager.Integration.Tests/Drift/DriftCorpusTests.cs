using RoleManager.Planning;

namespace RoleManager.Integration.Tests.Drift;

/// <summary>
/// Each manual change a superuser can make to a converged database is seen by plan (a change or a finding), fixed by
/// apply (after a superuser runs the findings' SQL), and check passes afterwards. Before the fix, check must fail:
/// whenever check fails, plan is not empty or names a finding.
/// </summary>
public class DriftCorpusTests
{
    [Theory]
    [MemberData(nameof(DriftCorpus.Names), MemberType = typeof(DriftCorpus))]
    public async Task Each_drift_is_seen_by_plan_and_check_then_corrected_or_reported_and_check_passes(string name)
    {
        var drift = DriftCorpus.Cases.Single(c => c.Name == name);
        var layout = await DriftLayout.CreateAsync();
        // pg_read_all_data and pg_write_all_data exist from PostgreSQL 14: on 13 there is no such drift to make.
        if (layout.Db.Server.VersionNum < 140000 && drift.Sql.Contains("_all_data")) return;
        await using (var su = await layout.Db.SuperuserAsync())
            await TestDatabase.Exec(su, layout.Fill(drift.Sql));

        var before = await layout.CheckAsync();
        var plan = await layout.PlanAsync();
        Assert.False(plan.IsConverged, $"{name}: plan sees nothing");
        Assert.False(before.Passed, $"{name}: check passes on a drifted database");
        AssertOutcome(drift.Outcome, plan, layout.Db.Server.VersionNum);

        await layout.ConvergeAsync();
        var after = await layout.CheckAsync();
        Assert.True(after.Passed, DriftLayout.Failed(after));
    }

    internal static void AssertOutcome(DriftOutcome outcome, Plan plan, int version)
    {
        switch (outcome)
        {
            case DriftOutcome.Corrected:
                Assert.True(plan.Findings.IsDefaultOrEmpty, "unexpected finding: " + string.Join("; ", plan.Findings.Select(f => f.FixSql)));
                Assert.False(plan.IsEmpty);
                break;
            case DriftOutcome.Finding:
                Assert.NotEmpty(plan.Findings);
                break;
            case DriftOutcome.Protected:
                Assert.Contains(plan.Findings, f => f.Problem.Contains("is an administrator the configuration does not declare", StringComparison.Ordinal)
                                                    && f.Problem.Contains("adopt: true", StringComparison.Ordinal));
                break;
            case DriftOutcome.CorrectedOrFinding:
                if (version < 160000) AssertOutcome(DriftOutcome.Corrected, plan, version);
                else Assert.False(plan.IsConverged);
                break;
        }
    }

    [Fact]
    public async Task Several_drifts_at_once_chosen_with_a_fixed_seed_are_all_corrected_or_reported()
    {
        var random = new Random(1313);
        for (int round = 0; round < 3; round++)
        {
            var layout = await DriftLayout.CreateAsync();
            var picked = DriftCorpus.Cases.OrderBy(_ => random.Next())
                .Where(c => layout.Db.Server.VersionNum >= 140000 || !c.Sql.Contains("_all_data")).Take(6).ToList();
            await using (var su = await layout.Db.SuperuserAsync())
                foreach (var drift in picked)
                    await TestDatabase.Exec(su, layout.Fill(drift.Sql));
            string names = string.Join(", ", picked.Select(p => p.Name));
            Assert.False((await layout.PlanAsync()).IsConverged, names);
            Assert.False((await layout.CheckAsync()).Passed, names);
            await layout.ConvergeAsync();
            var after = await layout.CheckAsync();
            Assert.True(after.Passed, names + "\n" + DriftLayout.Failed(after));
        }
    }
}
