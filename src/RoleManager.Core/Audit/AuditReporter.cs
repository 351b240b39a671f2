using Microsoft.Extensions.Logging;
using RoleManager.Connect;

namespace RoleManager.Audit;

/// <summary>The report's orchestrator: one connection, one read-only batch of seven catalog queries, then pure code.</summary>
public static class AuditReporter
{
    public static async Task<AuditReport> ReportAsync(IConnectionFactory connections, DeclaredLayout declared, DateTimeOffset generatedAt,
        CancellationToken cancellationToken, Execute.ExecutionOptions? options = null, ILogger? logger = null)
    {
        // The same steps as every run logs (ROLE_MANAGER_DEBUG=1 shows them): the login, the transaction, each query.
        logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Execute.ExecutionLog.Opened(logger, connections.Target);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var facts = await Inspect.CatalogReads.GuardAsync(connection,
            () => CatalogFactsReader.ReadAsync(connection, options ?? Execute.ExecutionOptions.Default, cancellationToken, logger), cancellationToken);
        return ReportBuilder.Build(facts, declared, generatedAt);
    }
}
