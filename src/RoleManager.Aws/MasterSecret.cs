using RoleManager.Connect;
using RoleManager.UseCases;

namespace RoleManager.Aws;

/// <summary>
/// The master login from the RDS-managed secret named by <c>DB_PASSWORD_SECRET_ARN</c>: the one
/// master-credential source both hosts use. The value is cached for at most <see cref="MaxAge"/>, and
/// read again at once when the server refuses it (RDS rotates a managed master password every 7 days),
/// so a rotation between two invocations of a warm process costs one extra <c>GetSecretValue</c>.
/// </summary>
public sealed class MasterSecret : IMasterCredentialSource
{
    public const string Variable = "DB_PASSWORD_SECRET_ARN";

    /// <summary>How long a read master secret is used before it is read again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>The timeout of one Secrets Manager call.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly CachingSecretSource _cache;
    private readonly string _secretId;

    public MasterSecret(ISecretSource source, string secretId, TimeProvider? time = null)
    {
        _cache = new CachingSecretSource(source, MaxAge, time);
        _secretId = secretId;
    }

    public string Description => _secretId;

    /// <summary>The source named by <c>DB_PASSWORD_SECRET_ARN</c>, or null when it is not set.</summary>
    public static MasterSecret? FromEnvironment(Func<string, string?> environment, TimeProvider? time = null)
    {
        string? secretId = environment(Variable);
        if (string.IsNullOrEmpty(secretId)) return null;
        // One HttpClient for the life of the process (the Lambda keeps this source while warm).
        var http = new HttpClient(MachineTrust.CreateHttpHandler()) { Timeout = CallTimeout };
        return new MasterSecret(SecretsManagerClient.FromEnvironment(http, AwsEnvironment.From(environment), time), secretId, time);
    }

    public async Task<MasterLogin> GetAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (refresh) _cache.Forget(_secretId);
        var credentials = MasterCredentials.Parse(await _cache.GetSecretValueAsync(_secretId, cancellationToken), _secretId);
        return new MasterLogin(credentials.Username, credentials.Password);
    }
}
