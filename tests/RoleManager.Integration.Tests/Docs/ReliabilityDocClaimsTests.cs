using System.Reflection;
using System.Text.RegularExpressions;
using RoleManager.Integration.Tests.Fuzz;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// docs/reliability.md's figures about the tests themselves, read from the page and compared with what the tests do:
/// the statements the fault-injection layout plans, the drift grammar's statement kinds, and the seeds the suite runs.
/// A test that changes must take its page with it.
/// </summary>
public sealed partial class ReliabilityDocClaimsTests
{
    private static readonly string Page = Regex.Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "reliability.md")), @"\s+", " ");

    private static int Said(string pattern)
    {
        var said = Regex.Match(Page, pattern);
        Assert.True(said.Success, $"docs/reliability.md no longer says /{pattern}/");
        return int.Parse(said.Groups["v"].Value.Replace(" ", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_fault_injection_layout_plans_the_statements_reliability_md_counts_and_one_fault_each_plus_two()
    {
        int statements = Said(@"plans \*\*(?<v>\d+) statements\*\*");
        int beforeFifteen = Said(@"plans \*\*\d+ statements\*\* \((?<v>\d+) on PostgreSQL 13 and 14\)");
        Assert.Equal(statements, Said(@"before \*\*each of the (?<v>\d+)\*\* in turn"));
        // Each statement's termination on the suite's server (15), then the stopped server and the apply tried while it is down.
        Assert.Equal(statements + 2, Said(@"\*\*(?<v>\d+) faults injected"));

        // FaultInjectionTests runs on the plain fixture; the other shapes plan differently by design (docs/postgres-shapes.md).
        if (PostgresServer.Shape != "plain") return;
        var db = await TestDatabase.CreateAsync();
        await db.SeedExistingObjectsAsync(); // as FaultInjectionTests does: one schema with existing objects
        var planned = await db.PlanAsync(db.RichLayout());
        int expected = db.Server.VersionNum < 150000 ? beforeFifteen : statements;

        Assert.True(planned.Plan.Changes.Length == expected,
            $"the rich layout plans {planned.Plan.Changes.Length} statements here, docs/reliability.md says {expected}:\n{string.Join("\n", planned.Plan.Changes.Select(c => c.Sql))}");
    }

    [Fact]
    public void The_drift_grammar_has_the_statement_kinds_reliability_md_counts_each_with_its_own_name()
    {
        int kinds = Said(@"\*\*(?<v>\d+) statement kinds\*\*");

        Assert.Equal(kinds, DriftGrammar.Kinds.Count);
        Assert.Equal(kinds, DriftGrammar.Kinds.Select(k => k.Name).Distinct().Count());
        Assert.All(DriftGrammar.Kinds, k => Assert.True(k.Weight > 0, $"{k.Name} is never drawn"));
    }

    [Fact]
    public void The_suite_runs_drift_seeds_1_to_30_and_skips_only_seed_2()
    {
        // "The suite runs seeds 1 to 30" and "Of the suite's seeds 1–30, 29 run ...; seed 2 stays skipped".
        Assert.Contains("The suite runs seeds 1 to 30", Page);
        Assert.Contains("seed 2 stays skipped", Page);
        var method = typeof(DriftFuzzTests).GetMethods().Single(m => m.GetCustomAttributes<TheoryAttribute>().Any());
        var seeds = method.GetCustomAttributes<InlineDataAttribute>().Select(a => (Seed: (int)a.GetData(method).Single()[0], a.Skip)).ToList();

        Assert.Equal(Enumerable.Range(1, 30), seeds.Select(s => s.Seed));
        Assert.Equal([2], seeds.Where(s => s.Skip is not null).Select(s => s.Seed));
    }
}
