using RoleManager.Errors;

namespace RoleManager.Lambda.Events;

/// <summary>The invocation's event is not one the function accepts. Nothing was connected to.</summary>
public sealed class EventInvalidException : RoleManagerException
{
    public const string Type = "RoleManager.EventInvalid";

    /// <summary>What every message ends with: the forms that are accepted.</summary>
    public const string Accepted =
        "Send the JSON string \"manage\", \"check\" or \"plan\", or an object "
        + "{\"action\": \"manage\" | \"check\" | \"plan\", \"dryRun\": true | false (optional), \"config\": {...} (optional)}.";

    public EventInvalidException(string problem) : base(problem + " " + Accepted) => Problem = problem;

    /// <summary>What was wrong, without the list of accepted forms.</summary>
    public string Problem { get; }

    public override string ErrorType => Type;
}
