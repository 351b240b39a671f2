namespace RoleManager.Audit;

/// <summary>Loads the report's catalog queries, shipped as embedded <c>Audit/Queries/*.sql</c> resources.</summary>
internal static class AuditSql
{
    public static readonly IReadOnlyList<string> Names =
        ["1_database", "2_roles", "3_memberships", "4_schemas", "5_objects", "6_columns", "7_default_acls"];

    public static string Load(string name) => Inspect.EmbeddedSql.Load("Audit", name);
}
