using RoleManager.Model;

namespace RoleManager.Passwords;

/// <summary>
/// Whether a password role's password must be set, from what the inspection read (the role's LOGIN and its comment, our
/// secret version marker) and what the host learnt before the plan without the master (the secret's current version, the
/// login as the role): no master connection of its own, so a run logs in as the master once.
/// </summary>
public static class PasswordDecision
{
    /// <summary>What plan and check say about a password role whose server lets any password in.</summary>
    public const string NotAsked = "the server does not ask this role for a password (pg_hba trust): the login proves nothing";

    /// <summary>Why an existing role's password must be set (shown in the plan); null when it is current or the role is new.</summary>
    public static string? SetReason(RoleSpec role, CurrentRole? current)
    {
        if (current is null || role.Auth != AuthMode.Password || role.PasswordSource is not { Resolved: true } source) return null;
        if (source.Origin == PasswordOrigin.Secret)
            return PasswordMarker.Read(current.Comment) switch
            {
                null => $"no secret version is recorded on the role yet: set from {source.Describe()}",
                var recorded when recorded != source.Version => $"{source.Describe()} has a new version",
                _ => null,
            };
        if (!current.Login) return $"the role cannot log in yet, so the password from {source.Describe()} cannot be tested: set it";
        return source.Login switch
        {
            PasswordLogin.Refused => $"the password in {source.Describe()} does not log in (it was changed)",
            PasswordLogin.RoleAbsent => $"the role was created by someone else while this run began, so the password from {source.Describe()} was not tested: set it",
            PasswordLogin.LoggedIn when source.ServerAsks == false => NotAsked + ", so it is set on every apply",
            _ => null, // not tried, or a failure that proves nothing either way: the check names it
        };
    }

    /// <summary>True when the plan needs a secret's value not read yet: the role is created with it, or it must be set.</summary>
    public static bool NeedsValue(RoleSpec role, CurrentRole? current) =>
        role.Auth == AuthMode.Password && role.Password is null && role.PasswordSource is { Origin: PasswordOrigin.Secret, Resolved: true }
        && (current is null || SetReason(role, current) is not null);
}
