namespace RoleManager.Errors;

/// <summary>
/// The base of every failure a user is meant to read. <see cref="ErrorType"/> is a stable name
/// (it is the Lambda function's <c>errorType</c>); the message says what failed and what to do.
/// Messages never carry a secret: build them from names, never from connection strings or SQL with passwords.
/// </summary>
public abstract class RoleManagerException : Exception
{
    protected RoleManagerException(string message, Exception? inner = null) : base(message, inner) { }

    public abstract string ErrorType { get; }
}

/// <summary>The configuration, flags, environment or event are invalid. Nothing was connected to.</summary>
public sealed class ConfigException : RoleManagerException
{
    public ConfigException(string message) : this([message]) { }

    public ConfigException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : "The configuration has " + problems.Count + " problems:\n  - " + string.Join("\n  - ", problems))
        => Problems = problems;

    public IReadOnlyList<string> Problems { get; }

    public override string ErrorType => "RoleManager.ConfigInvalid";
}

/// <summary>The database could not be reached or refused the login.</summary>
public sealed class ConnectionException(string message, Exception? inner = null) : RoleManagerException(message, inner)
{
    public override string ErrorType => "RoleManager.ConnectionFailed";

    /// <summary>
    /// The server did not answer in time or said it is starting up (57P03): what a paused Aurora Serverless v2 cluster
    /// looks like while the first connection attempt resumes it, so a later attempt may succeed. Never set for a
    /// refused login, a missing database or a TLS failure.
    /// </summary>
    public bool MayBeResuming { get; init; }
}

/// <summary>The live database cannot be converged to the desired state (e.g. it lacks <c>rds_iam</c>), or its catalog could not be read within the run's timeouts.</summary>
public sealed class PlanException(string message, Exception? inner = null) : RoleManagerException(message, inner)
{
    public override string ErrorType => "RoleManager.PlanFailed";
}

/// <summary>Applying the plan failed; the transaction was rolled back and nothing changed.</summary>
public sealed class ApplyException(string message, Exception? inner = null) : RoleManagerException(message, inner)
{
    public override string ErrorType => "RoleManager.ApplyFailed";
}

/// <summary>A call to an AWS API (Secrets Manager, credentials) failed.</summary>
public sealed class AwsException(string message, Exception? inner = null) : RoleManagerException(message, inner)
{
    public override string ErrorType => "RoleManager.AwsFailed";
}
