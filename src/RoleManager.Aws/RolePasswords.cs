using RoleManager.Connect;
using RoleManager.Model;
using RoleManager.Passwords;

namespace RoleManager.Aws;

/// <summary>The hosts' one call before planning: resolves password_secret / password_env roles (see <see cref="RolePasswordResolver"/>).</summary>
public static class RolePasswords
{
    public static bool NeedsSecretsManager(DesiredState desired) => RolePasswordResolver.NeedsSecrets(desired);

    /// <summary>For <c>RunRequest.RolePasswordSecrets</c>: a Secrets Manager source made from the environment when first needed.</summary>
    public static Func<IRolePasswordSource> SecretsFrom(Func<string, string?> environment, TimeProvider? time = null) =>
        () => new SecretsManagerPasswordSource(SecretsManagerClient.FromEnvironment(SharedHttp.Value, AwsEnvironment.From(environment), time ?? TimeProvider.System));

    /// <summary>
    /// Returns <paramref name="desired"/> with each password role's password decision; reads Secrets Manager (through
    /// <paramref name="client"/>, or one made from the environment) only when a role names a secret.
    /// </summary>
    public static Task<DesiredState> ResolveAsync(DesiredState desired, IConnectionFactory connections, Func<string, string?> environment,
        bool forLogins, Action<Secret>? revealed, CancellationToken cancellationToken, SecretsManagerClient? client = null)
    {
        IRolePasswordSource? source = null;
        if (NeedsSecretsManager(desired))
            source = new SecretsManagerPasswordSource(client ?? SecretsManagerClient.FromEnvironment(SharedHttp.Value, AwsEnvironment.From(environment)));
        return new RolePasswordResolver(connections, source, revealed).ResolveAsync(desired, forLogins, cancellationToken);
    }

    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(MachineTrust.CreateHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) });
}
