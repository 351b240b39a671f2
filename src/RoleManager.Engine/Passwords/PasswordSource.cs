namespace RoleManager.Passwords;

/// <summary>Where a password role's password comes from.</summary>
public enum PasswordOrigin
{
    /// <summary><c>password_env</c>: an environment variable of the run.</summary>
    Environment,
    /// <summary><c>password_secret</c>: a Secrets Manager secret (JSON with <c>password</c>, or a plain string).</summary>
    Secret,
}

/// <summary>
/// A role's password reference from the config, and — once <see cref="RolePasswordResolver"/> has run — whether the
/// role's password must be set and which version marker to record. The value itself stays in <c>RoleSpec.Password</c>.
/// </summary>
/// <param name="Origin">Environment variable or secret.</param>
/// <param name="Reference">The variable's name, or the secret's ARN or name.</param>
public sealed record PasswordSource(PasswordOrigin Origin, string Reference)
{
    /// <summary>True once the resolver has compared the source with the database.</summary>
    public bool Resolved { get; init; }

    /// <summary>The secret's AWSCURRENT version id (recorded on the role after a set); null for an environment password.</summary>
    public string? Version { get; init; }

    /// <summary>Why the password must be set on an existing role (shown in the plan); null when it is current.</summary>
    public string? SetReason { get; init; }

    /// <summary>
    /// Whether the server asks the role for a password: false where a login with a value that must fail was let in
    /// (pg_hba trust), so no login can tell whether the password is current; null when not probed.
    /// </summary>
    public bool? ServerAsks { get; init; }

    /// <summary>What the plan says the password comes from, e.g. <c>secret reporting/password</c>.</summary>
    public string Describe() => Origin == PasswordOrigin.Secret ? $"secret {Reference}" : $"environment variable {Reference}";
}
