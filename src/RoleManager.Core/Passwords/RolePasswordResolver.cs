using System.Collections.Concurrent;
using System.Collections.Immutable;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Passwords;

/// <summary>
/// Before planning, learns for each password role what can be learnt without the master user, and fetches a value only
/// when the check logs in with it (<c>forLogins</c>); the planner then decides from these and the inspected role
/// (<see cref="PasswordDecision"/>), so no master connection is made here: one master login per run.
/// <list type="bullet">
/// <item><c>password_secret</c>: DescribeSecret gives the AWSCURRENT version id without the value; the role's
/// comment records the version last set (<see cref="PasswordMarker"/>, read by the inspection). Same version → nothing to
/// do and no GetSecretValue. A new role, no marker or another version → the engine reads exactly that version's value
/// (<see cref="PasswordSource.ReadValue"/>), once per run.</item>
/// <item><c>password_env</c>: there is no version, and storing anything derived from the password would let
/// other users test guesses. So the resolver logs in as the role with it: <c>28P01</c> means it changed (or the role
/// does not exist yet: the inspection tells); a login proves it is current only where the server asks for it, so a second
/// login with a value that must fail tells a matching password from a server that lets any value in (pg_hba trust,
/// <see cref="LoginProbe"/>). There nothing can prove the password current, so it is set on every apply, and plan and
/// check say why. Nothing is stored. These logins are the role's, not the master's.</item>
/// </list>
/// The same for plan, apply and check: the check's "plan is empty" assertion sees every password change plan sees.
/// </summary>
public sealed class RolePasswordResolver(IConnectionFactory connections, IRolePasswordSource? secrets, Action<Secret>? revealed = null)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _versions = new(StringComparer.Ordinal);
    // A cluster run's databases may read a value at once: one GetSecretValue per version and run.
    private readonly ConcurrentDictionary<(string, string), Lazy<Task<Secret>>> _values = new();

    /// <summary>
    /// Where a role's password_env login is tried; null: <c>connections</c>. A cluster run proves each password once, in a
    /// database whose part of the config gives the role CONNECT (elsewhere the login would fail and prove nothing).
    /// </summary>
    public Func<string, IConnectionFactory>? LoginsFor { get; init; }

    /// <summary>
    /// The declared roles that exist, when the caller read them over the master session it already has (the engine
    /// does): a password_env role not among them is created with its password, so no login is tried for it — it could
    /// only be refused, and every refused login is a "password authentication failed" in the server's log (1,000 of them
    /// on the first apply of 1,000 people). Null: every role is tried.
    /// </summary>
    public IReadOnlySet<string>? Existing { get; init; }

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

    /// <summary>
    /// The desired state with what was learnt on its password roles. <paramref name="proveEnvironment"/> false leaves the
    /// password_env roles to the engine, which proves them right after its master login.
    /// </summary>
    public async Task<DesiredState> ResolveAsync(DesiredState desired, bool forLogins, CancellationToken cancellationToken, bool proveEnvironment = true)
    {
        var roles = desired.PresentRoles.Where(r => r.Auth == AuthMode.Password && r.PasswordSource is { Resolved: false } source
            && (proveEnvironment || source.Origin == PasswordOrigin.Secret)).ToList();
        if (roles.Count == 0) return desired;
        if (secrets is null && roles.FirstOrDefault(r => r.PasswordSource!.Origin == PasswordOrigin.Secret) is { } needing)
            throw new ConfigException(
                $"Role {needing.Name} takes its password from {needing.PasswordSource!.Describe()}, but this run has no access to Secrets Manager: " +
                "set AWS_REGION (and credentials) so the secret can be read.");

        var resolved = new Dictionary<string, RoleSpec>(StringComparer.Ordinal);
        // password_env roles: their logins on a bounded pool (1,000 roles one after another took minutes, on plan too).
        // A check probes too: its "plan is empty" assertion must see the password changes plan sees.
        var fromEnvironment = roles.Where(r => r.PasswordSource!.Origin != PasswordOrigin.Secret).ToList();
        var environmentResults = new RoleSpec[fromEnvironment.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, fromEnvironment.Count),
            new ParallelOptions { MaxDegreeOfParallelism = LoginParallelism, CancellationToken = cancellationToken },
            async (i, token) => environmentResults[i] = await FromEnvironmentAsync(fromEnvironment[i], token));
        for (int i = 0; i < fromEnvironment.Count; i++) resolved[fromEnvironment[i].Name] = environmentResults[i];
        // Secrets one after another: the version and value caches make the repeats free.
        foreach (var role in roles.Where(r => r.PasswordSource!.Origin == PasswordOrigin.Secret))
            resolved[role.Name] = await FromSecretAsync(role, forLogins, cancellationToken);
        return desired with { Roles = desired.Roles.Select(r => resolved.GetValueOrDefault(r.Name) ?? r).ToImmutableArray() };
    }

    /// <summary>The same bound as the check's logins (<see cref="Check.Checker"/>): a few per core, far below max_connections.</summary>
    private static int LoginParallelism => Check.Checker.LoginParallelism;

    private async Task<RoleSpec> FromSecretAsync(RoleSpec role, bool forLogins, CancellationToken cancellationToken)
    {
        var source = role.PasswordSource!;
        string version = await _versions.GetOrAdd(source.Reference,
            reference => new Lazy<Task<string>>(() => secrets!.CurrentVersionAsync(reference, cancellationToken))).Value;
        Secret? value = forLogins ? await ValueAsync(source.Reference, version, cancellationToken) : null;
        return role with
        {
            Password = value,
            PasswordSource = source with { Resolved = true, Version = version, ReadValue = token => ValueAsync(source.Reference, version, token) },
        };
    }

    private Task<Secret> ValueAsync(string reference, string version, CancellationToken cancellationToken) =>
        _values.GetOrAdd((reference, version), key => new Lazy<Task<Secret>>(async () =>
        {
            var value = await secrets!.PasswordAsync(key.Item1, key.Item2, cancellationToken);
            revealed?.Invoke(value);
            return value;
        })).Value;

    private async Task<RoleSpec> FromEnvironmentAsync(RoleSpec role, CancellationToken cancellationToken)
    {
        var source = role.PasswordSource! with { Resolved = true };
        if (role.Password is not { } password) return role with { PasswordSource = source };
        if (Existing is { } existing && !existing.Contains(role.Name)) return role with { PasswordSource = source with { Login = PasswordLogin.RoleAbsent } };
        var logins = LoginsFor?.Invoke(role.Name) ?? connections;
        var login = await LoginProbe.LogInAsync(logins, role.Name, password, cancellationToken) switch
        {
            LoginProbe.Outcome.LoggedIn => PasswordLogin.LoggedIn,
            LoginProbe.Outcome.PasswordRefused => PasswordLogin.Refused,
            _ => PasswordLogin.Failed,
        };
        bool? asks = login switch
        {
            PasswordLogin.Refused => true,
            PasswordLogin.LoggedIn => await LoginProbe.ServerAsksForPasswordAsync(logins, role.Name, cancellationToken),
            _ => null,
        };
        return role with { PasswordSource = source with { Login = login, ServerAsks = asks } };
    }
}
