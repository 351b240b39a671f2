using System.Collections.Immutable;
using RoleManager.Audit;
using RoleManager.Evidence;

namespace RoleManager.Core.Tests;

/// <summary>The evidence object names (the contract with the module's IAM policy) and the counts the alarm fires on.</summary>
public class EvidenceKeysTests
{
    [Fact]
    public void A_name_is_the_database_folder_then_the_UTC_time_the_action_and_the_request_id()
    {
        var when = new DateTimeOffset(2026, 12, 7, 13, 4, 5, 67, TimeSpan.FromHours(2));
        Assert.Equal("appdb/2026-12-07T11-04-05.067Z-check-8f1c-22.json", EvidenceKeys.Name("appdb", when, "check", "8f1c-22"));
    }

    [Fact]
    public void Names_sort_by_time_within_a_database()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var times = new[] { start, start.AddMilliseconds(1), start.AddSeconds(9), start.AddSeconds(10), start.AddHours(13), start.AddDays(40), start.AddYears(1) };
        var names = times.Select((t, i) => EvidenceKeys.Name("db", t, i % 2 == 0 ? "manage" : "check", Guid.NewGuid().ToString())).ToList();
        Assert.Equal(names, names.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("app_db-1.x", "app_db-1.x")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("..", "%2E%2E")]
    [InlineData("my db", "my%20db")]
    [InlineData("données", "donn%C3%A9es")]
    public void A_database_name_is_one_path_segment_that_cannot_nest_or_climb(string database, string segment)
    {
        Assert.Equal(segment + "/", EvidenceKeys.Folder(database));
        Assert.DoesNotContain('/', EvidenceKeys.Segment(database));
    }

    [Theory]
    [InlineData(null, "role-manager/")]
    [InlineData("", "role-manager/")]
    [InlineData("audit", "audit/")]
    [InlineData("/audit/prod/", "audit/prod/")]
    [InlineData("/", "")]
    public void A_prefix_ends_with_exactly_one_slash(string? given, string expected) => Assert.Equal(expected, EvidenceKeys.NormalizePrefix(given));

    [Fact]
    public void Access_gained_counts_each_role_privilege_and_object_once()
    {
        ImmutableArray<DiffLine> lines =
        [
            new("bob", "SELECT", "table in app", ["orders", "invoices"], ["direct"], []),
            new("bob", "CONNECT", "database", [], ["direct"], []),
            new("eve", "INSERT", "future tables created by migrator in schema app", [], ["default-privileges"], []),
        ];
        Assert.Equal(4, EvidenceBuilder.Grants(lines));
        Assert.Equal(0, EvidenceBuilder.Grants([]));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("""{"formatVersion": 99, "report": {}}""")]
    public void Earlier_evidence_this_version_cannot_read_gives_no_report_rather_than_an_error(string content) =>
        Assert.Null(EvidenceBuilder.ReportOf(System.Text.Encoding.UTF8.GetBytes(content)));
}
