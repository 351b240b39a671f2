using RoleManager.Errors;

namespace RoleManager.Evidence;

/// <summary>The evidence could not be read or written; the run itself finished (its result was logged).</summary>
public sealed class EvidenceException(string message, Exception? inner = null) : RoleManagerException(message, inner)
{
    public override string ErrorType => "RoleManager.EvidenceFailed";
}
