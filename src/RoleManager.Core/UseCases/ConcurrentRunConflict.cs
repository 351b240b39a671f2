using Npgsql;
using RoleManager.Errors;

namespace RoleManager.UseCases;

/// <summary>
/// Recognises the errors of a run that lost a race with another run on another database of the same
/// cluster: roles, memberships and role settings are cluster-wide, but the advisory lock is per database.
/// The whole transaction was rolled back, so the run can inspect again and retry.
/// </summary>
public static class ConcurrentRunConflict
{
    public static bool Is(Exception ex, out string sqlState)
    {
        sqlState = "";
        if (ex is not ApplyException || FindPostgres(ex) is not { } pg) return false;
        sqlState = pg.SqlState;
        return pg.SqlState switch
        {
            PostgresErrorCodes.DuplicateObject => true,          // 42710: role "x" already exists
            PostgresErrorCodes.SerializationFailure => true,     // 40001
            PostgresErrorCodes.DeadlockDetected => true,         // 40P01
            // 23505 on a catalog index (pg_authid_rolname_index, pg_auth_members_...): a concurrent CREATE ROLE / GRANT.
            PostgresErrorCodes.UniqueViolation => pg.ConstraintName?.StartsWith("pg_", StringComparison.Ordinal) ?? pg.MessageText.Contains("pg_", StringComparison.Ordinal),
            // XX000 has no finer code: "tuple concurrently updated" / "deleted" is the catalog's concurrent-update error.
            PostgresErrorCodes.InternalError => pg.MessageText.StartsWith("tuple concurrently", StringComparison.Ordinal),
            _ => false,
        };
    }

    private static PostgresException? FindPostgres(Exception? ex) =>
        ex switch { null => null, PostgresException pg => pg, _ => FindPostgres(ex.InnerException) };
}
