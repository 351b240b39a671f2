using System.Collections.Immutable;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Passwords;

/// <summary>
/// Before planning, decides for each password role whether its password must be set, and fetches the value
/// only then (or when <c>forLogins</c>: the check logs in with it):
/// <list type="bullet">
/// <item><c>password_secret</c>: DescribeSecret gives the AWSCURRENT version id without the value; the role's
/// comment records the version last set (<see cref="PasswordMarker"/>). Same version → nothing to do and no
/// GetSecretValue. A new role, no marker or another version → GetSecretValue of exactly that version.</item>
/// <item><c>password_env</c>: there is no version, and storing anything derived from the password would let
/// other users test guesses. So the resolver logs in as the role with it: <c>28P01</c> means it changed; a login
/// proves it is current only where the server asks for it, so a second login with a value that must fail tells a
/// matching password from a server that lets any value in (pg_hba trust, <see cref="LoginProbe"/>). There nothing
/// can prove the password current, so it is set on every apply, and plan and check say why. Nothing is stored.</item>
/// </list>
/// The same for plan, apply and check: the check's "plan is empty" assertion sees every password change plan sees.
/// </summary>
public sealed class RolePasswordResolver(IConnectionFactory connections, IRolePasswordSource? secrets, Action<Secret>? revealed = null,
    Execute.ExecutionOptions? options = null)
{
    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), Secret> _values = new();

    /// <summary>
    /// Where a role's password_env login is tried; null: <c>connections</c>. A cluster run proves each password once, in a
    /// database whose part of the config gives the role CONNECT (elsewhere the login would fail and prove nothing).
    /// </summary>
    public Func<string, IConnectionFactory>? LoginsFor { get; init; }

    /// <summary>True when a declared password role names a Secrets Manager secret not resolved yet (only then is a secret source needed).</summary>
    public static bool NeedsSecrets(DesiredState desired) =>
        desired.PresentRoles.Any(r => r.Auth == AuthMode.Password && r.PasswordSource is { Origin: PasswordOrigin.Secret, Resolved: false });

    /// <summary>True when some declared password role's password is not resolved yet.</summary>
    public static bool HasUnresolved(DesiredState desired) =>
        desired.PresentRoles.Any(r => r.Auth == AuthMode.Password && r.PasswordSource is { Resolved: false });

    /// <summary>
    /// True when a password_env role was not compared with the database yet and no password_secret role waits for
    /// Secrets Manager (which only a host can reach): the engine then proves the environment passwords itself.
    /// </summary>
    public static bool HasUnprovenEnvironmentPasswords(DesiredState desired)
    {
        var unresolved = desired.PresentRoles.Where(r => r.Auth == AuthMode.Password && r.PasswordSource is { Resolved: false }).ToList();
        return unresolved.Count > 0 && unresolved.All(r => r.PasswordSource!.Origin == PasswordOrigin.Environment);
    }

    public async Task<DesiredState> ResolveAsync(DesiredState desired, bool forLogins, CancellationToken cancellationToken)
    {
        var roles = desired.PresentRoles.Where(r => r.Auth == AuthMode.Password && r.PasswordSource is { Resolved: false }).ToList();
        if (roles.Count == 0) return desired;
        if (secrets is null && roles.FirstOrDefault(r => r.PasswordSource!.Origin == PasswordOrigin.Secret) is { } needing)
            throw new ConfigException(
                $"Role {needing.Name} takes its password from {needing.PasswordSource!.Describe()}, but this run has no access to Secrets Manager: " +
                "set AWS_REGION (and credentials) so the secret can be read.");

        var stored = await StoredPasswordReader.ReadAsync(connections, roles.Select(r => r.Name).ToArray(), options ?? Execute.ExecutionOptions.Default, cancellationToken);
        var resolved = new Dictionary<string, RoleSpec>(StringComparer.Ordinal);
        // password_env roles: their logins on a bounded pool (1,000 roles one after another took minutes, on plan too).
        // A check probes too: its "plan is empty" assertion must see the password changes plan sees.
        var fromEnvironment = roles.Where(r => r.PasswordSource!.Origin != PasswordOrigin.Secret).ToList();
        var environmentResults = new RoleSpec[fromEnvironment.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, fromEnvironment.Count),
            new ParallelOptions { MaxDegreeOfParallelism = LoginParallelism, CancellationToken = cancellationToken },
            async (i, token) => environmentResults[i] = await FromEnvironmentAsync(fromEnvironment[i], stored.GetValueOrDefault(fromEnvironment[i].Name), token));
        for (int i = 0; i < fromEnvironment.Count; i++) resolved[fromEnvironment[i].Name] = environmentResults[i];
        // Secrets one after another: the version and value caches make the repeats free.
        foreach (var role in roles.Where(r => r.PasswordSource!.Origin == PasswordOrigin.Secret))
            resolved[role.Name] = await FromSecretAsync(role, stored.GetValueOrDefault(role.Name), forLogins, cancellationToken);
        return desired with { Roles = desired.Roles.Select(r => resolved.GetValueOrDefault(r.Name) ?? r).ToImmutableArray() };
    }

    /// <summary>The same bound as the check's logins (<see cref="Check.Checker"/>): a few per core, far below max_connections.</summary>
    private static int LoginParallelism => Check.Checker.LoginParallelism;

    private async Task<RoleSpec> FromSecretAsync(RoleSpec role, StoredPassword? current, bool forLogins, CancellationToken cancellationToken)
    {
        var source = role.PasswordSource!;
        if (!_versions.TryGetValue(source.Reference, out var version))
            _versions[source.Reference] = version = await secrets!.CurrentVersionAsync(source.Reference, cancellationToken);

        string? reason = current switch
        {
            null => null, // created with the password
            { Version: null } => $"no secret version is recorded on the role yet: set from {source.Describe()}",
            _ when current.Version != version => $"{source.Describe()} has a new version",
            _ => null,
        };
        Secret? value = null;
        if (current is null || reason is not null || forLogins)
        {
            if (!_values.TryGetValue((source.Reference, version), out value))
            {
                value = await secrets!.PasswordAsync(source.Reference, version, cancellationToken);
                _values[(source.Reference, version)] = value;
                revealed?.Invoke(value);
            }
        }
        return role with { Password = value, PasswordSource = source with { Resolved = true, Version = version, SetReason = reason } };
    }

    private async Task<RoleSpec> FromEnvironmentAsync(RoleSpec role, StoredPassword? current, CancellationToken cancellationToken)
    {
        var source = role.PasswordSource!;
        string? reason = null;
        bool? asks = null;
        if (current is { CanLogin: false })
            reason = $"the role cannot log in yet, so the password from {source.Describe()} cannot be tested: set it";
        else if (current is not null && role.Password is { } password)
        {
            var logins = LoginsFor?.Invoke(role.Name) ?? connections;
            switch (await LoginProbe.LogInAsync(logins, role.Name, password, cancellationToken))
            {
                case LoginProbe.Outcome.PasswordRefused:
                    reason = $"the password in {source.Describe()} does not log in (it was changed)";
                    asks = true;
                    break;
                case LoginProbe.Outcome.LoggedIn:
                    asks = await LoginProbe.ServerAsksForPasswordAsync(logins, role.Name, cancellationToken);
                    if (asks == false) reason = LoginProbe.NotAsked + ", so it is set on every apply";
                    break;
                // Any other failure (pg_hba rejects the role, too many connections) proves nothing either way: the check names it.
            }
        }
        return role with { PasswordSource = source with { Resolved = true, SetReason = reason, ServerAsks = asks } };
    }
}
