namespace RoleManager.Passwords;

/// <summary>Where a password role's password comes from.</summary>
public enum PasswordOrigin
{
    /// <summary><c>password_env</c>: an environment variable of the run.</summary>
    Environment,
    /// <summary><c>password_secret</c>: a Secrets Manager secret (JSON with <c>password</c>, or a plain string).</summary>
    Secret,
}

/// <summary>What a login as a password_env role with its declared value showed.</summary>
public enum PasswordLogin
{
    LoggedIn,
    /// <summary>SQLSTATE 28P01: the server asked for the password and refused it (or the role does not exist yet).</summary>
    Refused,
    /// <summary>Anything else (pg_hba rejects the role, it may not log in, too many connections): it proves nothing.</summary>
    Failed,
    /// <summary>
    /// Not tried: the role did not exist when the run looked (it is created with its password). Found by the inspection
    /// all the same (another run created it in between), its password is set: nothing proved it.
    /// </summary>
    RoleAbsent,
}

/// <summary>
/// A role's password reference from the config, and — once the host has resolved it before the plan — what was learnt
/// without the master: the secret's current version id, or what a login as the role showed. Whether the password must be
/// set is decided by the planner from these and the inspected role (<see cref="PasswordDecision"/>). The value itself
/// stays in <c>RoleSpec.Password</c>.
/// </summary>
/// <param name="Origin">Environment variable or secret.</param>
/// <param name="Reference">The variable's name, or the secret's ARN or name.</param>
public sealed record PasswordSource(PasswordOrigin Origin, string Reference)
{
    /// <summary>True once the host has read the secret's version, or tried the environment password's login.</summary>
    public bool Resolved { get; init; }

    /// <summary>The secret's AWSCURRENT version id (recorded on the role after a set); null for an environment password.</summary>
    public string? Version { get; init; }

    /// <summary>What the login as the role with the environment password showed; null when not tried (no value, or a secret).</summary>
    public PasswordLogin? Login { get; init; }

    /// <summary>
    /// Whether the server asks the role for a password: false where a login with a value that must fail was let in
    /// (pg_hba trust), so no login can tell whether the password is current; null when not probed.
    /// </summary>
    public bool? ServerAsks { get; init; }

    /// <summary>
    /// Reads the value of <see cref="Version"/> (GetSecretValue), for a secret whose value was not read before the plan:
    /// the engine calls it only when the inspection shows the password must be set (a new role, another version recorded),
    /// so a converged run reads no secret value.
    /// </summary>
    public Func<CancellationToken, Task<Secret>>? ReadValue { get; init; }

    /// <summary>What the plan says the password comes from, e.g. <c>secret reporting/password</c>.</summary>
    public string Describe() => Origin == PasswordOrigin.Secret ? $"secret {Reference}" : $"environment variable {Reference}";
}
