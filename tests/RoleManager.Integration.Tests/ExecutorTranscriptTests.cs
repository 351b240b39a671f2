using RoleManager.Connect;
using RoleManager.Core.Tests.Transcripts;
using RoleManager.Execute;
using RoleManager.Planning;
using RoleManager.UseCases;

namespace RoleManager.Integration.Tests;

/// <summary>
/// One real-server run per transcript scenario: the executor's live transcript (open, begin with its timeouts, the
/// advisory lock, each statement, commit or rollback), as the engine logs it, must equal the one made without a server
/// from the in-memory catalog of this server's major and shape (tests/RoleManager.Core.Tests/Transcripts, whose tests
/// compare it with the approved files on every major and shape). A difference means the in-memory fixture no longer
/// reads like this server's catalog, or the engine's steps around the executor changed: fix the fixture or the
/// in-memory run, not this test.
/// </summary>
public sealed class ExecutorTranscriptTests
{
    private static async Task<string> LiveAsync(TestDatabase db, bool dryRun)
    {
        var log = new RecordingLogger();
        await new RoleManagerRun(log).RunAsync(db.Request(RunAction.Apply, dryRun), CancellationToken.None);
        return log.Transcript((db.Name, Fixtures.Database), (db.Prefix + "_", "{prefix}_"), ($":{db.Server.Port}/", ":{port}/"));
    }

    /// <summary>This server's major and the shape the suite runs (RM_PG_SHAPE), as the in-memory fixtures know them.</summary>
    private static ClusterShape ShapeOf(PostgresServer server) => new(server.VersionNum / 10000, server.PublicOwnedBySuperuser,
        SelfGrant: server.VersionNum >= 160000 && PostgresServer.Shape is "rds" or "selfgrant");

    private static async Task AssertSameAsInMemoryAsync(TranscriptScenario scenario, PostgresServer server, string live)
    {
        var shape = ShapeOf(server);
        var (inMemory, _) = await scenario.InMemoryAsync(shape);
        if (live != inMemory)
            Assert.Fail($"The live transcript of '{scenario}' on {shape} differs from the in-memory one " +
                        $"(tests/RoleManager.Core.Tests/Transcripts/Fixtures.cs no longer reads like this server, or the engine's steps changed).\n" +
                        $"--- in memory\n{inMemory}--- live\n{live}");
    }

    [Fact]
    public async Task The_first_apply_of_the_default_layout_sends_what_the_in_memory_catalog_of_this_major_and_shape_predicts()
    {
        var db = await TestDatabase.CreateAsync();
        await AssertSameAsInMemoryAsync(TranscriptScenario.FirstApply, db.Server, await LiveAsync(db, dryRun: false));
    }

    [Fact]
    public async Task A_dry_run_sends_what_the_in_memory_catalog_predicts_and_rolls_back()
    {
        var db = await TestDatabase.CreateAsync();
        await AssertSameAsInMemoryAsync(TranscriptScenario.DryRunOfFirstApply, db.Server, await LiveAsync(db, dryRun: true));
    }

    [Fact]
    public async Task An_apply_on_a_converged_database_takes_the_lock_inspects_and_sends_no_statement()
    {
        var db = await TestDatabase.CreateAsync();
        await LiveAsync(db, dryRun: false);
        await AssertSameAsInMemoryAsync(TranscriptScenario.ConvergedApply, db.Server, await LiveAsync(db, dryRun: false));
    }

    [Fact]
    public async Task Each_statement_is_logged_with_the_role_schema_and_object_its_change_carries()
    {
        var db = await TestDatabase.CreateAsync();
        var log = new RecordingLogger();
        var engine = new Engine(new NpgsqlConnectionFactory(db.MasterSettings), logger: log);

        var result = await engine.ApplyAsync(db.DefaultLayout(), ExecutionOptions.Default, dryRun: false, CancellationToken.None);

        var statements = log.Entries.Where(e => e.EventId == 203).ToList();
        Assert.Equal(result.Plan.Changes.Length, statements.Count);
        for (int i = 0; i < statements.Count; i++)
        {
            var change = result.Plan.Changes[i];
            Assert.Equal((change.Kind.ToString(), change.Log.Role, change.Log.Schema, change.Log.Object),
                (statements[i].Fields["kind"], statements[i].Fields["role"], statements[i].Fields["schema"], statements[i].Fields["objectName"]));
        }
        var createSchema = statements.Single(e => e.Fields["kind"] == nameof(ChangeKind.CreateSchema));
        Assert.Equal((db.Migrator, "app"), (createSchema.Fields["role"], createSchema.Fields["schema"]));
        Assert.Contains(log.Entries, e => e.EventId == 207 && e.Fields["role"] == db.App && e.Fields["kind"] == nameof(ChangeKind.GrantSchema));
    }
}
