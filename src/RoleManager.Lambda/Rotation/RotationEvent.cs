using System.Text.Json;

namespace RoleManager.Lambda.Rotation;

/// <summary>The four steps of the Secrets Manager rotation protocol.</summary>
public enum RotationStep
{
    CreateSecret,
    SetSecret,
    TestSecret,
    FinishSecret,
}

/// <summary>
/// A Secrets Manager rotation event: <c>{"Step", "SecretId", "ClientRequestToken"}</c> (plus <c>RotationToken</c>,
/// which newer Secrets Manager versions add and which we do not need). Recognised by its <c>Step</c> key (<see cref="Events.EventParser.Read"/>), so the
/// manage/plan/check events (<c>{"action", ...}</c> or a string) never look like one.
/// </summary>
public sealed record RotationEvent(RotationStep Step, string SecretId, string ClientRequestToken) : Events.InvocationEvent
{
    private static readonly string[] Keys = ["Step", "SecretId", "ClientRequestToken", "RotationToken"];

    /// <summary>The rotation event in an object that has a <c>Step</c> key; a <see cref="RotationRefusedException"/> when its fields are bad.</summary>
    internal static RotationEvent FromObject(JsonElement root)
    {
        foreach (var property in root.EnumerateObject())
            if (!Keys.Contains(property.Name, StringComparer.Ordinal))
                throw new RotationRefusedException($"The rotation event has an unknown key \"{Shorten(property.Name)}\"; a rotation event has Step, SecretId and ClientRequestToken.");
        return new RotationEvent(ParseStep(root.GetProperty("Step")), Text(root, "SecretId"), Text(root, "ClientRequestToken"));
    }

    public string StepName => Step switch
    {
        RotationStep.CreateSecret => "createSecret",
        RotationStep.SetSecret => "setSecret",
        RotationStep.TestSecret => "testSecret",
        _ => "finishSecret",
    };

    private static RotationStep ParseStep(JsonElement step) => (step.ValueKind == JsonValueKind.String ? step.GetString() : null) switch
    {
        "createSecret" => RotationStep.CreateSecret,
        "setSecret" => RotationStep.SetSecret,
        "testSecret" => RotationStep.TestSecret,
        "finishSecret" => RotationStep.FinishSecret,
        _ => throw new RotationRefusedException("The rotation event's Step must be \"createSecret\", \"setSecret\", \"testSecret\" or \"finishSecret\"."),
    };

    private static string Text(JsonElement root, string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 2048 } text
            ? text
            : throw new RotationRefusedException($"The rotation event has no \"{key}\" string.");

    private static string Shorten(string key) => key.Length > 40 ? key[..40] + "..." : key;
}
