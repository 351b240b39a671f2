using Microsoft.Extensions.Logging;

namespace RoleManager.Audit;

/// <summary>
/// The report's own steps, beside the engine's (<see cref="Execute.ExecutionLog"/>: open, begin, rollback): the catalog
/// queries of its one batch, each by its file's name (never a value it reads), so a slow report shows what it waited on.
/// </summary>
internal static partial class AuditLog
{
    [LoggerMessage(220, LogLevel.Debug, "query {index}/{count} {name} (sent in one batch)")]
    public static partial void Querying(ILogger logger, int index, int count, string name);

    [LoggerMessage(221, LogLevel.Debug, "report read {roles} roles, {schemas} schemas, {objects} object groups in {milliseconds} ms")]
    public static partial void Read(ILogger logger, int roles, int schemas, int objects, long milliseconds);
}
