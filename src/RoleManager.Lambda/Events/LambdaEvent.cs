namespace RoleManager.Lambda.Events;

/// <summary>A parsed, valid event.</summary>
/// <param name="Action">The action asked for.</param>
/// <param name="DryRun">The event's <c>dryRun</c>; null when it said nothing (the function decides).</param>
public sealed record LambdaEvent(EventAction Action, bool? DryRun = null) : InvocationEvent
{
    /// <summary>The event's <c>config</c> object as parsed with the event (the gate reads it without parsing it again); null when absent.</summary>
    public System.Text.Json.JsonElement? Config { get; init; }

    /// <summary>The event's <c>config</c> as JSON text, as the event wrote it (what the config loader reads); null when absent.</summary>
    public string? ConfigJson => Config?.GetRawText();

    /// <summary>The event's <c>database</c>: with a cluster config, the one database to run on; null runs on all of them.</summary>
    public string? Database { get; init; }

    /// <summary>The action's event name: <c>manage</c>, <c>check</c> or <c>plan</c>.</summary>
    public string ActionName => EventParser.NameOf(Action);
}
