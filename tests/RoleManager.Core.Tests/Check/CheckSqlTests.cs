using System.Reflection;
using RoleManager.Check;

namespace RoleManager.Core.Tests;

/// <summary>The check's queries ship as embedded <c>Check/Queries/*.sql</c> files: each loads, and each file is used.</summary>
public class CheckSqlTests
{
    private static readonly FieldInfo[] Queries = typeof(CheckSql).GetFields(BindingFlags.Public | BindingFlags.Static);

    [Fact]
    public void Every_check_query_is_an_embedded_sql_file_that_starts_with_its_notes()
    {
        Assert.NotEmpty(Queries);
        foreach (var field in Queries)
            Assert.StartsWith("-- ", (string)field.GetValue(null)!);
    }

    [Fact]
    public void Every_sql_file_of_the_check_is_loaded()
    {
        var folder = Path.Combine(RoleManager.Testing.RepositoryRoot.Path, "src", "RoleManager.Core", "Check", "Queries");
        var files = Directory.GetFiles(folder, "*.sql").Select(f => Path.GetFileNameWithoutExtension(f).Replace("_", "")).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(files, Queries.Select(f => f.Name).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
    }
}
