using Npgsql;
using RoleManager.Audit;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Testing;
using RoleManager.UseCases;

namespace RoleManager.Integration.Tests;

/// <summary>
/// Every command's catalog reads run with the run's timeouts. Before, only apply's did: plan, inspect, check and the
/// audit report read outside any transaction, so a catalog table another session had locked made them wait forever
/// (and a huge catalog ran without a statement timeout). A superuser's lock on <c>pg_default_acl</c>, which every one
/// of them reads, stands in for such a session.
/// <para>On a server of the class's own: a new backend whose relation-cache init file was invalidated (autovacuum on a
/// shared catalog, which the rest of the suite keeps busy) opens every cached catalog while it starts, so on the shared
/// server a connection could wait for the test's own lock; and <c>pg_shdescription</c> is a cluster-wide catalog.</para>
/// </summary>
public sealed class CatalogReadTimeoutTests(CatalogReadTimeoutTests.OwnServer own) : IClassFixture<CatalogReadTimeoutTests.OwnServer>
{
    public sealed class OwnServer : IAsyncLifetime
    {
        public PostgresServer Server { get; private set; } = null!;
        public async Task InitializeAsync() => Server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private static readonly ExecutionOptions ShortLockTimeout = new(TimeSpan.FromMilliseconds(300), TimeSpan.FromMinutes(1));

    [Theory]
    [InlineData(RunAction.Plan)]
    [InlineData(RunAction.Inspect)]
    [InlineData(RunAction.Check)]
    [InlineData(RunAction.Apply)]
    public async Task A_locked_catalog_stops_the_run_within_its_lock_timeout_with_a_message_that_says_so(RunAction action)
    {
        var db = await TestDatabase.CreateAsync(own.Server);
        await new RoleManagerRun().RunAsync(db.Request(RunAction.Apply), CancellationToken.None);
        string before = await db.SnapshotAsync();

        var error = await RunWhileLockedAsync(db, token => new RoleManagerRun().RunAsync(db.Request(action, options: ShortLockTimeout), token));

        var planError = Assert.IsType<PlanException>(error);
        Assert.Contains("lock timeout", planError.Message);
        Assert.Contains(db.Name, planError.Message);
        Assert.Contains("Nothing was changed", planError.Message);
        Assert.Equal(before, await db.SnapshotAsync());
        // With the lock gone the same run goes through.
        await new RoleManagerRun().RunAsync(db.Request(action, options: ShortLockTimeout), CancellationToken.None);
    }

    /// <summary>
    /// The read of the password roles' markers (before any plan) is a catalog read too, of <c>pg_shdescription</c>.
    /// </summary>
    [Fact]
    public async Task The_password_roles_read_stops_within_the_lock_timeout_too()
    {
        var db = await TestDatabase.CreateAsync(own.Server);
        await new RoleManagerRun().RunAsync(db.Request(RunAction.Apply), CancellationToken.None);

        var error = await RunWhileLockedAsync(db, token => new RoleManagerRun().RunAsync(db.Request(RunAction.Plan, options: ShortLockTimeout), token),
            catalog: "pg_shdescription");

        Assert.Contains("lock timeout", Assert.IsType<PlanException>(error).Message);
    }

    [Fact]
    public async Task The_audit_report_stops_within_the_lock_timeout_too()
    {
        var db = await TestDatabase.CreateAsync(own.Server);
        await new RoleManagerRun().RunAsync(db.Request(RunAction.Apply), CancellationToken.None);
        var connections = new NpgsqlConnectionFactory(db.MasterSettings);

        var error = await RunWhileLockedAsync(db, token =>
            AuditReporter.ReportAsync(connections, DeclaredLayout.None, DateTimeOffset.UtcNow, token, ShortLockTimeout));

        Assert.Contains("lock timeout", Assert.IsType<PlanException>(error).Message);
    }

    /// <summary>
    /// Runs <paramref name="run"/> while a superuser holds ACCESS EXCLUSIVE on <paramref name="catalog"/> in an open
    /// transaction; a run that still waits after 20 s (40 times its lock timeout) is cancelled, and the test fails on
    /// that rather than hanging.
    /// </summary>
    private static async Task<Exception?> RunWhileLockedAsync<T>(TestDatabase db, Func<CancellationToken, Task<T>> run, string catalog = "pg_default_acl")
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using (var locker = await db.SuperuserAsync())
        {
            await TestDatabase.Exec(locker, $"BEGIN; LOCK TABLE pg_catalog.{catalog} IN ACCESS EXCLUSIVE MODE");
            var error = await Record.ExceptionAsync(() => run(patience.Token));
            Assert.False(patience.IsCancellationRequested, "the run was still waiting for the locked catalog after 20 s");
            return error;
        }
    }
}
