using System.Globalization;
using Amazon.Runtime;
using RoleManager.Aws.Internal;

namespace RoleManager.Aws;

/// <summary>
/// The RDS IAM database auth token, as botocore's <c>RDS.Client.generate_db_auth_token</c> makes it:
/// a SigV4 presigned URL for <c>GET https://{host}:{port}/?Action=connect&amp;DBUser={user}</c>, service
/// <c>rds-db</c>, valid 900 seconds, without the <c>https://</c>. Parameters appear in botocore's order
/// (operation parameters, then the X-Amz-* ones, then the signature), so tokens match byte for byte.
/// </summary>
public sealed class RdsAuthTokenGenerator(ImmutableCredentials credentials, string region, TimeProvider? time = null) : IAuthTokenSource
{
    public const string Service = "rds-db";
    public const int ExpiresSeconds = 900;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public static RdsAuthTokenGenerator FromEnvironment(AwsEnvironment environment, TimeProvider? time = null)
        => new(environment.Credentials, environment.Region, time);

    public ValueTask<Secret> GetAuthTokenAsync(string host, int port, string user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Generate(credentials, region, host, port, user, _time.GetUtcNow()));
    }

    public static Secret Generate(ImmutableCredentials credentials, string region, string host, int port, string user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);

        var signedAt = SigV4.ToSigningTime(now);
        var portText = port.ToString(CultureInfo.InvariantCulture);
        // The signed Host drops the https default port and is lower case; the URL keeps what it was given.
        var canonicalHost = host.ToLowerInvariant() + (port == 443 ? "" : ":" + portText);

        var operation = new List<KeyValuePair<string, string>>
        {
            new("Action", "connect"),
            new("DBUser", SigV4.Encode(user)),
        };
        var auth = new List<KeyValuePair<string, string>>
        {
            new("X-Amz-Algorithm", SigV4.Algorithm),
            new("X-Amz-Credential", SigV4.Encode(credentials.AccessKey + "/" + SigV4.Scope(signedAt, region, Service))),
            new("X-Amz-Date", SigV4.Timestamp(signedAt)),
            new("X-Amz-Expires", ExpiresSeconds.ToString(CultureInfo.InvariantCulture)),
            new("X-Amz-SignedHeaders", "host"),
        };
        if (credentials.UseToken)
            auth.Add(new("X-Amz-Security-Token", SigV4.Encode(credentials.Token)));

        var (canonicalRequest, signedHeaders) = SigV4.CanonicalRequest(
            "GET", "/", SigV4.CanonicalQuery(operation.Concat(auth)),
            [new("host", canonicalHost)], SigV4.EmptyPayloadHash);
        var signature = SigV4.Sign(credentials, region, Service, signedAt, signedHeaders, canonicalRequest).Signature;

        var query = string.Join('&', operation.Concat(auth).Select(p => p.Key + "=" + p.Value));
        return new Secret(host + ":" + portText + "/?" + query + "&X-Amz-Signature=" + signature);
    }
}
