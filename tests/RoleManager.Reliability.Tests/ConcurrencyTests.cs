using System.Diagnostics;
using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Testing;
using Xunit.Abstractions;

namespace RoleManager.Reliability.Tests;

/// <summary>
/// Runs at once serialise on the advisory lock: eight CLI processes applying the same config each succeed or
/// fail only with the lock-timeout message, never "tuple concurrently updated", and the end state is converged.
/// A migration holding locks in the schema makes an apply wait up to --lock-timeout, then fail cleanly.
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    private const string LockMessage = "Another role-manager run holds the lock";

    [Theory]
    [InlineData("120s")]
    [InlineData("300ms")]
    public async Task Eight_applies_at_once_serialise_and_converge(string lockTimeout)
    {
        var db = await TestDatabase.CreateAsync();
        await db.SeedExistingObjectsAsync();
        string config = await db.WriteRichConfigAsync();
        var env = CliEnvironment.Master(db);

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            CliRunner.RunAsync(env, ["apply", "--config", config, "--lock-timeout", lockTimeout])));

        foreach (var run in runs)
        {
            output.WriteLine($"exit {run.ExitCode}: {run.All.Split('\n').FirstOrDefault(l => l.Length > 0)}");
            Assert.DoesNotContain("tuple concurrently updated", run.All);
            Assert.DoesNotContain("XX000", run.All);
            if (run.ExitCode != 0)
            {
                Assert.Equal(1, run.ExitCode);
                Assert.Contains(LockMessage, run.StdErr);
                Assert.Contains("Nothing was changed", run.StdErr);
            }
        }
        Assert.Contains(runs, r => r.ExitCode == 0);
        // With a lock timeout longer than the whole queue (8 applies, even on a loaded 2-core CI machine) every run succeeds.
        if (lockTimeout == "120s") Assert.All(runs, r => Assert.Equal(0, r.ExitCode));

        var plan = await CliRunner.RunAsync(env, "plan", "--config", config, "--detailed-exitcode");
        Assert.True(plan.ExitCode == 0, plan.All);
    }

    [Fact]
    public async Task An_apply_waits_for_a_migration_holding_locks_up_to_the_lock_timeout_then_fails_changing_nothing()
    {
        var db = await TestDatabase.CreateAsync();
        await db.SeedExistingObjectsAsync();
        await db.ApplyAsync(db.RichLayout());
        // Drift that the apply must correct: app loses SELECT on every table (committed by the superuser).
        await using (var su = await db.Server.OpenSuperuserAsync(db.Name))
            await PostgresServer.Exec(su, $"REVOKE SELECT ON ALL TABLES IN SCHEMA app FROM \"{db.App}\"");
        // The migrator's migration: an ALTER in progress and an explicit lock, in a long open transaction.
        await using var migration = await db.Server.OpenSuperuserAsync(db.Name);
        await PostgresServer.Exec(migration, $"""
            BEGIN;
            ALTER TABLE app.audit ADD COLUMN who text;
            LOCK TABLE app.orders IN ACCESS EXCLUSIVE MODE;
            """);
        string before = await db.SnapshotAsync();

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ApplyException>(() => db.ApplyAsync(db.RichLayout(), options: ExecutionOptions.Default with { LockTimeout = TimeSpan.FromSeconds(2) }));
        clock.Stop();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {error.Message}");
        Assert.Contains("55P03", error.Message);
        Assert.Contains("nothing was changed", error.Message);
        // Host-neutral advice: the CLI's option and the Lambda function's variable, both.
        Assert.Contains("--lock-timeout", error.Message);
        Assert.Contains("ROLE_MANAGER_LOCK_TIMEOUT_SECONDS", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(30));
        Assert.Equal(before, await db.SnapshotAsync());

        // The same through the CLI: exit 1, the message, nothing changed.
        var cli = await CliRunner.RunAsync(CliEnvironment.Master(db), ["apply", "--config", await db.WriteRichConfigAsync(), "--lock-timeout", "1s"]);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("55P03", cli.StdErr);
        Assert.Equal(before, await db.SnapshotAsync());

        await PostgresServer.Exec(migration, "COMMIT");
        var converged = await db.ApplyAsync(db.RichLayout());
        Assert.True(converged.Committed);
        Assert.True((await db.PlanAsync(db.RichLayout())).Plan.IsEmpty);
    }

    [Fact]
    public async Task An_apply_waits_for_another_run_holding_the_advisory_lock_then_fails_cleanly()
    {
        var db = await TestDatabase.CreateAsync();
        string before = await db.SnapshotAsync();
        await using var other = await db.Server.OpenMasterAsync(db.Name);
        await PostgresServer.Exec(other, $"BEGIN; SELECT pg_advisory_xact_lock({PlanTransaction.AdvisoryLockKey})");
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ApplyException>(() => db.ApplyAsync(db.RichLayout(), options: ExecutionOptions.Default with { LockTimeout = TimeSpan.FromSeconds(1) }));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(30));
        Assert.Contains(LockMessage, error.Message);
        Assert.Contains("--lock-timeout", error.Message);
        Assert.Contains("ROLE_MANAGER_LOCK_TIMEOUT_SECONDS", error.Message);
        Assert.Equal(before, await db.SnapshotAsync());
        await PostgresServer.Exec(other, "ROLLBACK");
        Assert.True((await db.ApplyAsync(db.RichLayout())).Committed);
    }
}
