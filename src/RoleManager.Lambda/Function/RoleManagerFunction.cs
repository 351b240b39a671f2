using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Runtime;

namespace RoleManager.Lambda.Function;

// PLACEHOLDER: the lead replaces this body with the handler that runs the engine.
// Kept: the static Create factory that Program calls, and IInvocationHandler.

/// <summary>The RoleManager function: parses the event and (for now) echoes what it would do.</summary>
public sealed partial class RoleManagerFunction : IInvocationHandler
{
    private readonly ILogger _logger;

    private RoleManagerFunction(ILogger logger) => _logger = logger;

    /// <summary>Creates the function once per process (Lambda's init phase); a throw here is an init error.</summary>
    public static IInvocationHandler Create(HostServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new RoleManagerFunction(services.Logs.CreateLogger("RoleManager.Lambda.Function"));
    }

    public Task<ReadOnlyMemory<byte>> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var lambdaEvent = EventParser.Parse(invocation.Payload);
        var dryRun = lambdaEvent.DryRun ?? false;
        EventAccepted(_logger, lambdaEvent.ActionName, dryRun);
        var result = new PlaceholderResult(lambdaEvent.ActionName, dryRun);
        return Task.FromResult<ReadOnlyMemory<byte>>(
            JsonSerializer.SerializeToUtf8Bytes(result, PlaceholderJsonContext.Default.PlaceholderResult));
    }

    [LoggerMessage(100, LogLevel.Information, "Event accepted: {action} (dryRun {dryRun})")]
    private static partial void EventAccepted(ILogger logger, string action, bool dryRun);
}

internal sealed record PlaceholderResult(string Action, bool DryRun);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PlaceholderResult))]
internal sealed partial class PlaceholderJsonContext : JsonSerializerContext;
