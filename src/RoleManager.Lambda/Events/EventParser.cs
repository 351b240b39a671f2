using System.Text.Json;

namespace RoleManager.Lambda.Events;

/// <summary>
/// Parses the invocation event: the string <c>"manage"</c>, <c>"check"</c> or <c>"plan"</c> (what the reference's
/// scripts send), or an object <c>{"action", "dryRun"?, "config"?, "database"?}</c> (<c>database</c>: with a cluster
/// config, the one database to run on). Strict: a wrong type, an unknown or
/// repeated key, or an unknown action is an <see cref="EventInvalidException"/> that says which.
/// A <c>null</c> value for <c>dryRun</c> or <c>config</c> means the same as leaving it out.
/// </summary>
public static class EventParser
{
    public const string ActionKey = "action";
    public const string DryRunKey = "dryRun";
    public const string ConfigKey = "config";
    public const string DatabaseKey = "database";

    private const int MaxQuotedLength = 40;

    private static readonly string[] Keys = [ActionKey, DryRunKey, ConfigKey, DatabaseKey];

    /// <summary>A manage/plan/check/report event; a rotation event here is an <see cref="EventInvalidException"/>.</summary>
    public static LambdaEvent Parse(ReadOnlyMemory<byte> utf8Json) =>
        Read(utf8Json) as LambdaEvent ?? throw new EventInvalidException("The event is a Secrets Manager rotation event, not an action.");

    /// <summary>
    /// The payload parsed once, whatever it is: a Secrets Manager rotation event (an object with <c>Step</c>,
    /// <see cref="Rotation.RotationEvent"/>) or an action event (<see cref="LambdaEvent"/>, whose <c>config</c> the gate
    /// then reads from the same parse).
    /// </summary>
    public static InvocationEvent Read(ReadOnlyMemory<byte> utf8Json)
    {
        if (IsBlank(utf8Json.Span))
        {
            throw new EventInvalidException("The event is empty.");
        }

        // JsonDocument accepts invalid UTF-8 inside strings and only fails when the string is read.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json.Span))
        {
            throw new EventInvalidException("The event is not valid UTF-8 text: send a JSON string such as \"manage\" or an object {\"action\": ...}.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            // Position only: the event's text is not echoed, it may hold anything.
            throw new EventInvalidException(
                $"The event is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}).");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Step", out _))
                return Rotation.RotationEvent.FromObject(root); // Secrets Manager rotation protocol (issue #15)
            return root.ValueKind switch
            {
                JsonValueKind.String => new LambdaEvent(ParseAction(root.GetString()!, "The event string")),
                JsonValueKind.Object => ParseObject(root),
                _ => throw new EventInvalidException($"The event is {KindName(root.ValueKind)}."),
            };
        }
    }

    public static string NameOf(EventAction action) => action switch
    {
        EventAction.Manage => "manage",
        EventAction.Check => "check",
        EventAction.Plan => "plan",
        EventAction.Report => "report",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    private static LambdaEvent ParseObject(JsonElement root)
    {
        JsonElement? action = null, dryRun = null, config = null, database = null;
        foreach (var property in root.EnumerateObject())
        {
            ref var slot = ref Slot(property.Name, ref action, ref dryRun, ref config, ref database);
            if (slot is not null)
            {
                throw new EventInvalidException($"The event has the key \"{property.Name}\" twice.");
            }

            slot = property.Value;
        }

        if (action is not { } actionValue)
        {
            throw new EventInvalidException("The event object has no \"action\".");
        }

        if (actionValue.ValueKind != JsonValueKind.String)
        {
            throw new EventInvalidException($"\"action\" must be a string, not {KindName(actionValue.ValueKind)}.");
        }

        var parsedAction = ParseAction(actionValue.GetString()!, "\"action\"");

        bool? parsedDryRun = dryRun?.ValueKind switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            var kind => throw new EventInvalidException($"\"dryRun\" must be true or false, not {KindName(kind!.Value)}."),
        };

        JsonElement? configObject = config?.ValueKind switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.Object => config.Value.Clone(),
            var kind => throw new EventInvalidException($"\"config\" must be an object, not {KindName(kind!.Value)}."),
        };

        var databaseName = database?.ValueKind switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.String when RoleManager.Config.Names.Problem(database.Value.GetString()!, "database") is { } problem =>
                throw new EventInvalidException($"\"database\" is not a database name: {problem}."),
            JsonValueKind.String => database.Value.GetString(),
            var kind => throw new EventInvalidException($"\"database\" must be a string (one database of the cluster config), not {KindName(kind!.Value)}."),
        };

        return new LambdaEvent(parsedAction, parsedDryRun) { Database = databaseName, Config = configObject };
    }

    private static ref JsonElement? Slot(string key, ref JsonElement? action, ref JsonElement? dryRun, ref JsonElement? config, ref JsonElement? database)
    {
        switch (key)
        {
            case ActionKey: return ref action;
            case DryRunKey: return ref dryRun;
            case ConfigKey: return ref config;
            case DatabaseKey: return ref database;
        }

        var known = Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        throw new EventInvalidException(known is null
            ? $"The event has an unknown key \"{Quote(key)}\"; the keys are \"action\", \"dryRun\", \"config\" and \"database\"."
            : $"The event has an unknown key \"{Quote(key)}\"; keys are case-sensitive: did you mean \"{known}\"?");
    }

    private static EventAction ParseAction(string value, string what) => value switch
    {
        "manage" => EventAction.Manage,
        "check" => EventAction.Check,
        "plan" => EventAction.Plan,
        "report" => EventAction.Report,
        _ => throw new EventInvalidException(
            $"{what} \"{Quote(value)}\" is not an action: the actions are \"manage\", \"check\", \"plan\" and \"report\" (lower case)."),
    };

    private static string Quote(string value)
    {
        var shown = value.Length > MaxQuotedLength ? value[..MaxQuotedLength] + "..." : value;
        // Keep the message one readable line: control characters become '?'.
        return string.Create(shown.Length, shown, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "a JSON value",
    };

    private static bool IsBlank(ReadOnlySpan<byte> utf8)
    {
        foreach (var b in utf8)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
