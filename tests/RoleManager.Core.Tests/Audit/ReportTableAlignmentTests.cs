using RoleManager.Audit;
using RoleManager.Audit.Render;

namespace RoleManager.Core.Tests;

/// <summary>The report's text table keeps its columns when a cell is longer than its column (issue 30).</summary>
public class ReportTableAlignmentTests
{
    private static AccessEntry Entry(string role, string[] privileges, string schema, string[] names, string path) =>
        new(role, [.. privileges], [.. privileges.Select(p => p.ToLowerInvariant())], false, false,
            new AccessTarget("table", schema, false, names.Length, [.. names], false, null), new AccessPath("direct", [role], path));

    [Fact]
    public void Every_row_of_a_role_starts_its_on_and_path_cells_at_the_same_columns_even_when_a_cell_is_too_long()
    {
        string longName = new('t', 90);
        var report = new AuditReport(1, DateTimeOffset.UnixEpoch, new ReportServer("15", 150000, "appdb", "master", "master", false, false),
            [new ReportRole("app", "login", true, "password-or-other", [], -1, true, [])], [],
            [
                Entry("app", ["SELECT"], "app", ["a"], "granted directly"),
                Entry("app", ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"], "app", ["b"], "granted directly"),
                Entry("app", ["SELECT"], "app", [longName], "granted directly"),
            ], []);

        var lines = TableRenderer.Render(report).Split('\n');
        var rows = lines.SkipWhile(l => !l.StartsWith("app [", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        // Where each row's "on" cell (…table…) and path cell ("granted directly") start: one column each, whatever the row.
        var onColumns = rows.Where(r => r.Contains(" table", StringComparison.Ordinal)).Select(r => r.IndexOf("1 table", StringComparison.Ordinal)).Distinct().ToList();
        var pathColumns = rows.Where(r => r.Contains("granted directly", StringComparison.Ordinal)).Select(r => r.IndexOf("granted directly", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(onColumns.Count == 1, string.Join("\n", rows));
        Assert.True(pathColumns.Count == 1, string.Join("\n", rows));
        Assert.Contains(rows, r => r.Contains(longName, StringComparison.Ordinal) && !r.Contains("granted directly", StringComparison.Ordinal));
    }
}
