namespace RoleManager.Core.Tests.Transcripts;

/// <summary>
/// The executor's transcript (open, begin with its timeouts, the advisory lock, each statement, commit or rollback) for
/// each scenario on every major and shape, made without a server from in-memory catalogs (<see cref="Fixtures"/>) and
/// compared with the approved files in <c>Approved/</c>: a change in the SQL the tool sends shows up in review. A
/// difference writes <c>*.{case}.received.txt</c> beside the approved file; review it and rename it to accept.
/// </summary>
public sealed class ExecutorTranscriptTests
{
    public static TheoryData<TranscriptScenario, ClusterShape> Cases()
    {
        var cases = new TheoryData<TranscriptScenario, ClusterShape>();
        foreach (var scenario in TranscriptScenario.Approved)
            foreach (var shape in ClusterShape.All()) cases.Add(scenario, shape);
        return cases;
    }

    public static TheoryData<TranscriptScenario, ClusterShape> AllScenarios()
    {
        var cases = new TheoryData<TranscriptScenario, ClusterShape>();
        foreach (var scenario in TranscriptScenario.All)
            foreach (var shape in ClusterShape.All()) cases.Add(scenario, shape);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_scenario_sends_exactly_the_approved_statements_on_each_major_and_shape(TranscriptScenario scenario, ClusterShape shape)
    {
        var (transcript, _) = await scenario.InMemoryAsync(shape);
        Verify(scenario.ApprovedFile(shape), shape, transcript);
    }

    [Fact]
    public async Task A_transcript_that_differs_from_its_approved_file_fails_and_is_written_beside_it_for_review()
    {
        var scenario = TranscriptScenario.FirstApply;
        var shape = new ClusterShape(16);
        var (transcript, _) = await scenario.InMemoryAsync(shape);
        string changed = transcript.Replace("GRANT USAGE ON SCHEMA", "GRANT USAGE, CREATE ON SCHEMA", StringComparison.Ordinal);
        string approved = scenario.ApprovedFile(shape);
        string received = Received(approved, shape);
        try
        {
            Assert.NotEqual(transcript, changed);
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Verify(approved, shape, changed));
            Assert.Equal(changed, File.ReadAllText(received));
        }
        finally
        {
            File.Delete(received);
        }
    }

    [Theory]
    [MemberData(nameof(AllScenarios))]
    public async Task The_executor_sends_each_password_as_a_verifier_while_the_transcript_shows_it_masked(TranscriptScenario scenario, ClusterShape shape)
    {
        var (transcript, sent) = await scenario.InMemoryAsync(shape);

        Assert.DoesNotContain(Fixtures.MigratorPassword, transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(Fixtures.AppPassword, transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("SCRAM-SHA-256$", transcript, StringComparison.Ordinal);
        int verifiersSent = sent.Count(sql => sql.Contains(" PASSWORD 'SCRAM-SHA-256$", StringComparison.Ordinal));
        int masked = transcript.Split(" PASSWORD '********'").Length - 1;
        Assert.Equal((scenario.OnConvergedDatabase ? 0 : 2, verifiersSent), (verifiersSent, masked));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_dry_run_sends_the_first_applys_approved_statements_and_rolls_back(ClusterShape shape)
    {
        var (apply, _) = await TranscriptScenario.FirstApply.InMemoryAsync(shape);
        var (dryRun, _) = await TranscriptScenario.DryRunOfFirstApply.InMemoryAsync(shape);

        // The whole dry run, pinned through the first apply's approved file: only its mode and its ending differ.
        Assert.EndsWith("\ncommit\n", apply, StringComparison.Ordinal);
        Assert.Equal(apply.Replace("begin Commit ", "begin AlwaysRollback ", StringComparison.Ordinal)[..^"commit\n".Length] + "rollback (always-rollback mode)\n", dryRun);
    }

    public static TheoryData<ClusterShape> Shapes() => [.. ClusterShape.All()];

    /// <summary>Beside the approved file, named for the case: several majors and shapes share one approved file.</summary>
    private static string Received(string approved, ClusterShape shape) => Path.ChangeExtension(approved, $".{shape.Id}.received.txt");

    private static void Verify(string approved, ClusterShape shape, string transcript)
    {
        string received = Received(approved, shape);
        if (File.Exists(approved) && File.ReadAllText(approved) == transcript)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, transcript);
        Assert.Fail($"The executor's transcript differs from {approved} (or it does not exist). Review {received}; rename it to accept.");
    }
}
