using System.Collections.Immutable;
using RoleManager.Audit;

namespace RoleManager.Core.Tests;

/// <summary>
/// The report diff that evidence counts on, on hand-built reports: an "all tables" grant counts table by table, and a
/// fact reached by several paths keeps them all, sorted, so losing one of them is a path change and not a loss.
/// </summary>
public class EvidenceDiffTests
{
    private static AuditReport Report(params AccessEntry[] access) => new(1, DateTimeOffset.UnixEpoch,
        new ReportServer("15", 150000, "db", "master", "master", false, true),
        [new ReportRole("bob", "login", false, "iam", [], -1, true, [])],
        [new ReportSchema("app", "migrator", "migrator", ["orders", "invoices"], [], [])],
        [.. access], []);

    private static AccessEntry Select(string via, bool all = false, params string[] names) => new("bob", ["SELECT"], ["read"], false, false,
        new AccessTarget("table", "app", all, all ? 2 : names.Length, [.. names], false, null), new AccessPath(via, ["bob"], via + " path"));

    [Fact]
    public void An_all_tables_grant_is_gained_table_by_table()
    {
        var diff = ReportDiffer.Compare(Report(), Report(Select("direct", all: true)));
        var line = Assert.Single(diff.Gained);
        Assert.Equal(["invoices", "orders"], line.Names.ToArray());
        Assert.Equal(2, RoleManager.Evidence.EvidenceBuilder.Grants(diff.Gained));
    }

    [Fact]
    public void Losing_one_of_two_paths_is_a_path_change_that_names_both_sides_sorted()
    {
        var older = Report(Select("membership", false, "orders"), Select("direct", false, "orders"));
        var newer = Report(Select("membership", false, "orders"));

        var diff = ReportDiffer.Compare(older, newer);

        Assert.Empty(diff.Gained);
        Assert.Empty(diff.Lost);
        var line = Assert.Single(diff.PathChanged);
        Assert.Equal(["membership path"], line.Paths.ToArray());
        Assert.Equal(["direct path", "membership path"], line.OldPaths.ToArray());
        Assert.True(ReportDiffer.Compare(older, older).IsEmpty);
    }
}
