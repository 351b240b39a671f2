namespace RoleManager.Core.Tests.Transcripts;

/// <summary>
/// One of the executor's transcript scenarios: the first apply of the default layout, its dry run, and an apply on the
/// converged database. Approved files are kept per group of majors and shapes only where the SQL differs
/// (<see cref="ClusterShape.ApprovedSuffix"/>); the converged apply sends nothing, so it has one file for all; the dry run
/// has none: it is the first apply's transcript with the other mode and ending (a test says so).
/// </summary>
public sealed record TranscriptScenario(string Name, bool OnConvergedDatabase, bool DryRun)
{
    public static readonly TranscriptScenario FirstApply = new("apply-default-layout", OnConvergedDatabase: false, DryRun: false);
    public static readonly TranscriptScenario DryRunOfFirstApply = new("dry-run-default-layout", OnConvergedDatabase: false, DryRun: true);
    public static readonly TranscriptScenario ConvergedApply = new("apply-converged", OnConvergedDatabase: true, DryRun: false);

    public static readonly TranscriptScenario[] All = [FirstApply, DryRunOfFirstApply, ConvergedApply];

    /// <summary>The scenarios with approved files of their own.</summary>
    public static readonly TranscriptScenario[] Approved = [FirstApply, ConvergedApply];

    public static string ApprovedFolder => Path.Combine(Testing.RepositoryRoot.Path, "tests", "RoleManager.Core.Tests", "Transcripts", "Approved");

    public string ApprovedFile(ClusterShape shape) =>
        Path.Combine(ApprovedFolder, OnConvergedDatabase ? $"{Name}.txt" : $"{Name}.{shape.ApprovedSuffix}.txt");

    /// <summary>The transcript made from the in-memory catalog of <paramref name="shape"/>, and what the executor sent.</summary>
    public Task<(string Transcript, IReadOnlyList<string> Sent)> InMemoryAsync(ClusterShape shape) => InMemoryRun.ApplyAsync(
        Fixtures.DefaultLayout(), OnConvergedDatabase ? Fixtures.Converged(shape) : Fixtures.NewDatabase(shape), DryRun);

    public override string ToString() => Name;
}
