using RoleManager.Execute;
using RoleManager.Model;
using static RoleManager.Integration.Tests.Cluster.ClusterRuns;

namespace RoleManager.Integration.Tests.Cluster;

/// <summary>
/// Issue 28's siblings of the four cases, with one config per database: a role one config drops while another declares
/// it, and the check of one database while another database's apply is in flight.
/// </summary>
public sealed class SiblingRunsTests
{
    private static DesiredState Layout(TestDatabase db, string reader) => AppLayout(db, reader);

    [Fact]
    public async Task A_role_one_config_drops_and_another_declares_is_never_dropped_from_under_the_other_and_both_runs_say_so()
    {
        var db1 = await TestDatabase.CreateAsync();
        var db2 = await NeighbourAsync(db1);
        string reader = $"{db1.Prefix}_reader";
        var keeps = Layout(db1, $"{{ name: {reader}, password_env: {reader}, grants: [{{ schema: app, profile: readonly }}] }}");
        var drops = Layout(db2, $"{{ name: {reader}, password_env: {reader}, drop: true }}");
        await db1.ApplyAsync(keeps);

        var applied = await db2.ApplyAsync(drops);

        // The reader holds privileges in db1, which no run on db2 can take away: the drop is a finding, never a change.
        Assert.DoesNotContain(applied.Plan.Changes, c => c.Kind == Planning.ChangeKind.DropRole);
        Assert.Contains(applied.Plan.Findings, f => f.Subject == $"role {reader}");
        await AssertConvergedAsync(db1, keeps, $"after {db2.Name}'s run that drops {reader}");
        var again = (await db2.PlanAsync(drops)).Plan;
        Assert.Contains(again.Findings, f => f.Subject == $"role {reader}");
        Assert.False((await CheckAsync(db2, drops)).Passed);
    }

    [Fact]
    public async Task The_check_of_one_database_passes_while_another_databases_apply_is_in_flight()
    {
        var db1 = await TestDatabase.CreateAsync();
        var db2 = await NeighbourAsync(db1);
        string reader = $"{db1.Prefix}_reader";
        var first = Layout(db1, $"{{ name: {reader}, password_env: {reader}, grants: [{{ schema: app, profile: readonly }}] }}");
        await db1.ApplyAsync(first);
        await db2.ApplyAsync(Layout(db2, $"{{ name: {reader}, password_env: {reader} }}"));
        // db2 now gives the reader readonly there too, and a second reader: its apply is paused half-way, uncommitted.
        string second = $"{db1.Prefix}_second";
        var grows = Layout(db2, $"{{ name: {reader}, password_env: {reader}, grants: [{{ schema: app, profile: readonly }}] }}\n  - {{ name: {second}, password_env: {second}, grants: [{{ schema: app, profile: readonly }}] }}");
        var paused = new TaskCompletionSource();
        var resume = new TaskCompletionSource();
        var executor = new PlanExecutor
        {
            BeforeStatement = async (i, _, ct) =>
            {
                if (i != 3) return;
                paused.TrySetResult();
                await resume.Task.WaitAsync(ct);
            },
        };
        var applying = db2.ApplyAsync(grows, executor);
        await paused.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var during = await CheckAsync(db1, first).WaitAsync(TimeSpan.FromSeconds(60));

        resume.SetResult();
        await applying;
        Assert.True(during.Passed, string.Join("\n", during.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
        await AssertConvergedAsync(db1, first, $"after {db2.Name}'s apply");
        await AssertConvergedAsync(db2, grows, $"after its own apply");
    }
}
