using RoleManager.Aws;

namespace RoleManager.Lambda.Rotation;

/// <summary>
/// Whether a rotation step may act on the event's token, decided from <c>DescribeSecret</c> before anything is read,
/// written or executed, as the AWS rotation templates decide: the secret's rotation must be enabled, and the token
/// must be a version Secrets Manager staged (RotateSecret labels it AWSPENDING before it invokes createSecret). Without
/// this, whoever may invoke the function could start a rotation of its own with a token of its choosing.
/// </summary>
internal static class StagedToken
{
    /// <summary>Null when the step may act; what it did instead when the token is already AWSCURRENT (a retry after finishSecret).</summary>
    /// <exception cref="RotationRefusedException">Rotation not enabled, the token not a version of the secret, or not AWSPENDING.</exception>
    public static string? Check(RotationEvent rotation, SecretDescription description)
    {
        string token = rotation.ClientRequestToken;
        if (!description.RotationEnabled)
            throw new RotationRefusedException(
                $"Rotation is not enabled on secret {description.Name}, so step {rotation.StepName} will not act on it; nothing was changed. " +
                "Enable it with aws secretsmanager rotate-secret --rotation-lambda-arn <this function> --rotation-rules ...: Secrets Manager then invokes each step.");
        var stages = description.StagesOf(token);
        if (stages.Count == 0)
            throw new RotationRefusedException(
                $"Version {token} is not a version of secret {description.Name}: Secrets Manager stages a rotation's token (AWSPENDING) before it invokes " +
                $"the function, so step {rotation.StepName} did not come from a rotation it started; nothing was changed. Start one with aws secretsmanager rotate-secret.");
        // finishSecret retried after it moved AWSCURRENT (the templates' answer too): done, nothing to change.
        if (stages.Contains(SecretDescription.Current) && (rotation.Step == RotationStep.FinishSecret || stages.Contains(SecretDescription.Pending)))
            return $"version {token} is already AWSCURRENT: nothing to do";
        if (!stages.Contains(SecretDescription.Pending))
            throw new RotationRefusedException(
                $"Version {token} of secret {description.Name} is {string.Join(", ", stages)}, not AWSPENDING, so step {rotation.StepName} will not act on it; " +
                "nothing was changed. Start the rotation again (aws secretsmanager rotate-secret).");
        return null;
    }
}
