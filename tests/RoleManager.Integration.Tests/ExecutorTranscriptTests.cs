using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Planning;
using RoleManager.Testing;
using RoleManager.UseCases;

namespace RoleManager.Integration.Tests;

/// <summary>
/// The executor's transcript (open, begin with its timeouts, the advisory lock, each statement, commit or
/// rollback), as the engine logs it, compared with approved files in <c>Approved/</c>: a change in the SQL
/// the tool sends shows up in review. A difference writes <c>*.received.txt</c> beside the approved file;
/// review it and rename it to accept. The files are per PostgreSQL major (16+ plans memberships differently).
/// </summary>
public sealed class ExecutorTranscriptTests
{
    private static async Task<string> RunAsync(TestDatabase db, RunAction action, bool dryRun, DesiredState? config = null)
    {
        var log = new RecordingLogger();
        await new RoleManagerRun(log).RunAsync(db.Request(action, dryRun), CancellationToken.None);
        return log.Transcript((db.Name, "{database}"), (db.Prefix, "{prefix}"), ($":{db.Server.Port}/", ":{port}/"));
    }

    private static void Verify(string name, PostgresServer server, string transcript)
    {
        string folder = Path.Combine(RepositoryRoot.Path, "tests", "RoleManager.Integration.Tests", "Approved");
        string approved = Path.Combine(folder, $"{name}.pg{server.VersionNum / 10000}{ShapeVariant(server)}.txt");
        string received = Path.ChangeExtension(approved, ".received.txt");
        if (File.Exists(approved) && File.ReadAllText(approved) == transcript)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, transcript);
        Assert.Fail($"The executor's transcript differs from {approved} (or it does not exist). Review {received}; rename it to accept.");
    }

    /// <summary>
    /// The cluster shapes that change the plan get their own approved files: a superuser-owned public (nothing to revoke
    /// there: the master may not) and <c>createrole_self_grant</c> on 16+ (no temporary membership is needed).
    /// </summary>
    private static string ShapeVariant(PostgresServer server)
    {
        bool selfGrant = server.VersionNum >= 160000 && PostgresServer.Shape is "rds" or "selfgrant";
        return (server.PublicOwnedBySuperuser ? "-superuser-public" : "") + (selfGrant ? "-selfgrant" : "");
    }

    [Fact]
    public async Task The_first_apply_of_the_default_layout_sends_exactly_the_approved_statements_in_one_locked_transaction()
    {
        var db = await TestDatabase.CreateAsync();
        Verify("apply-default-layout", db.Server, await RunAsync(db, RunAction.Apply, dryRun: false));
    }

    [Fact]
    public async Task A_dry_run_sends_the_same_statements_and_rolls_back()
    {
        var db = await TestDatabase.CreateAsync();
        Verify("dry-run-default-layout", db.Server, await RunAsync(db, RunAction.Apply, dryRun: true));
    }

    [Fact]
    public async Task An_apply_on_a_converged_database_takes_the_lock_inspects_and_sends_no_statement()
    {
        var db = await TestDatabase.CreateAsync();
        await RunAsync(db, RunAction.Apply, dryRun: false);
        Verify("apply-converged", db.Server, await RunAsync(db, RunAction.Apply, dryRun: false));
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
