using RoleManager.Errors;

namespace RoleManager.Lambda.Rotation;

/// <summary>A rotation event the function will not act on (a secret no declared role names, a bad token); nothing was changed.</summary>
public sealed class RotationRefusedException(string message) : RoleManagerException(message)
{
    public override string ErrorType => "RoleManager.RotationRefused";
}
