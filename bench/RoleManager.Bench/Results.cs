namespace RoleManager.Bench;

/// <summary>One measured run of a program against a database.</summary>
internal sealed record Sample(double Seconds, double PeakRssMiB, int Statements, int Changes, StatementCounts Server);

/// <summary>The repeated runs of one measurement and their medians.</summary>
internal sealed record Series(string Name, IReadOnlyList<Sample> Samples)
{
    public double MedianSeconds => Stats.Median(Samples.Select(s => s.Seconds));
    public double MedianRssMiB => Stats.Median(Samples.Select(s => s.PeakRssMiB));
    public double MaxRssMiB => Samples.Count == 0 ? 0 : Samples.Max(s => s.PeakRssMiB);
    public double MedianStatements => Stats.Median(Samples.Select(s => (double)s.Statements));
    public double MedianInspectorQueries => Stats.Median(Samples.Select(s => (double)s.Server.Inspector));
    public double MedianServerStatements => Stats.Median(Samples.Select(s => (double)s.Server.Total));
    public double MedianInspectorMs => Stats.Median(Samples.Select(s => s.Server.InspectorMs));
    public double MedianOtherReadsMs => Stats.Median(Samples.Select(s => s.Server.OtherReadsMs));
    public double MedianChanges => Stats.Median(Samples.Select(s => (double)s.Changes));
}

/// <summary>Everything measured at one catalog size.</summary>
internal sealed record SizeResult(
    int Tables, int Functions, double FixtureSeconds, double CopySeconds,
    Series FirstApply, Series Plan, Series ConvergedApply, Series Baseline,
    ColdStartResult? LambdaAot, ColdStartResult? LambdaJit)
{
    public double BaselineRatio => ConvergedApply.MedianSeconds > 0 ? Baseline.MedianSeconds / ConvergedApply.MedianSeconds : 0;
}

/// <summary>Cold starts of one Lambda build: process start to first response, and peak RSS at that moment.</summary>
internal sealed record ColdStartResult(string Build, string Event, IReadOnlyList<double> Seconds, IReadOnlyList<double> PeakRssMiB)
{
    public double MedianSeconds => Stats.Median(Seconds);
    public double MedianRssMiB => Stats.Median(PeakRssMiB);
    public double MaxRssMiB => PeakRssMiB.Count == 0 ? 0 : PeakRssMiB.Max();
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>The default layout's converged apply against the psql script that grants the same again.</summary>
internal sealed record DefaultLayoutResult(int Tables, Series Apply, Series? ApplyBefore, Series Psql)
{
    /// <summary>True for the cli-tls section: every program over TLS verify-full.</summary>
    public bool Tls { get; init; }

    /// <summary>psql sending the inspection's own queries (<see cref="InspectionFloor"/>): what a converged apply must at least do.</summary>
    public Series? Floor { get; init; }

    public double Ratio => Apply.MedianSeconds > 0 ? Psql.MedianSeconds / Apply.MedianSeconds : 0;
    public double RatioBefore => ApplyBefore is { MedianSeconds: > 0 } b ? Psql.MedianSeconds / b.MedianSeconds : 0;
}

/// <summary>The TLS + SCRAM cold starts on one database, each row a program and a connection path.</summary>
internal sealed record TlsResult(string Database, IReadOnlyList<ColdStartResult> Rows);

/// <summary>One people-scale measurement: finished within the cap (with its time) or stopped at the cap.</summary>
internal sealed record CappedRun(string Name, bool Finished, double Seconds, double PeakRssMiB, int ExitCode, int Statements, int Changes);

/// <summary>The people-scale runs for one number of login roles.</summary>
internal sealed record PeopleResult(int People, int Tables, int CapSeconds, IReadOnlyList<CappedRun> Runs);
