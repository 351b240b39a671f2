using Amazon.Runtime;
using RoleManager.Errors;

namespace RoleManager.Aws;

/// <summary>
/// Credentials, region and endpoint overrides from environment variables, as Lambda provides them
/// (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>, <c>AWS_REGION</c>).
/// Read directly rather than through the SDK's resolver chain so that a missing variable is named in
/// the error and tests can pass their own variables.
/// </summary>
public sealed class AwsEnvironment
{
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";
    public const string RegionVariable = "AWS_REGION";
    public const string DefaultRegionVariable = "AWS_DEFAULT_REGION";
    public const string EndpointVariable = "AWS_ENDPOINT_URL";
    public const string SecretsManagerEndpointVariable = "AWS_ENDPOINT_URL_SECRETS_MANAGER";
    public const string S3EndpointVariable = "AWS_ENDPOINT_URL_S3";
    /// <summary>The AWS SDKs' switch: <c>true</c> ignores every <c>AWS_ENDPOINT_URL*</c> override.</summary>
    public const string IgnoreEndpointsVariable = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

    private readonly Func<string, string?> _variables;

    private AwsEnvironment(ImmutableCredentials credentials, string region, Func<string, string?> variables)
    {
        Credentials = credentials;
        Region = region;
        _variables = variables;
    }

    public ImmutableCredentials Credentials { get; }

    public string Region { get; }

    /// <summary>
    /// <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c>, else <c>AWS_ENDPOINT_URL</c>, else the regional endpoint; overrides are
    /// ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>. An override must be <c>https://</c>, except to a
    /// loopback host (a local emulator): the signed request carries the session token, which must not cross a network in clear.
    /// </summary>
    public Uri SecretsManagerEndpoint
        => Endpoint(SecretsManagerEndpointVariable) ?? Endpoint(EndpointVariable) ?? new Uri("https://secretsmanager." + Region + ".amazonaws.com");

    /// <summary>
    /// An S3 endpoint override (<c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>), with the same https/loopback rule as
    /// <see cref="SecretsManagerEndpoint"/>; null means S3's regional endpoint, which the SDK resolves.
    /// </summary>
    public Uri? S3EndpointOverride => Endpoint(S3EndpointVariable) ?? Endpoint(EndpointVariable);

    /// <summary>What to log about the Secrets Manager endpoint: where requests go and why (an override names its variable).</summary>
    public string SecretsManagerEndpointDescription
    {
        get
        {
            var uri = SecretsManagerEndpoint;
            string? source = Endpoint(SecretsManagerEndpointVariable) is not null ? SecretsManagerEndpointVariable
                : Endpoint(EndpointVariable) is not null ? EndpointVariable : null;
            return source is null ? $"Secrets Manager endpoint {uri} (regional)" : $"Secrets Manager endpoint {uri} (override from {source})";
        }
    }

    /// <summary>The values to register with a redactor: the secret access key and the session token.</summary>
    public IEnumerable<Secret> Secrets
    {
        get
        {
            yield return new Secret(Credentials.SecretKey);
            if (Credentials.UseToken) yield return new Secret(Credentials.Token);
        }
    }

    public static AwsEnvironment FromProcess() => From(Environment.GetEnvironmentVariable);

    /// <exception cref="AwsException">A credential or the region is not set; the message names the variable.</exception>
    public static AwsEnvironment From(Func<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        string? Get(string name) => variables(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var accessKey = Get(AccessKeyIdVariable);
        var secretKey = Get(SecretAccessKeyVariable);
        var missing = new[] { (AccessKeyIdVariable, accessKey), (SecretAccessKeyVariable, secretKey) }
            .Where(v => v.Item2 is null).Select(v => v.Item1).ToList();
        if (missing.Count > 0)
            throw new AwsException(
                $"AWS credentials are missing: {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not set. "
                + "Lambda sets them from the function's execution role; elsewhere export them "
                + "(e.g. eval \"$(aws configure export-credentials --format env)\").");

        var region = Get(RegionVariable) ?? Get(DefaultRegionVariable)
            ?? throw new AwsException(
                $"the AWS region is missing: neither {RegionVariable} nor {DefaultRegionVariable} is set. "
                + $"Lambda sets {RegionVariable}; elsewhere export it (e.g. {RegionVariable}=eu-west-1).");

        var credentials = new ImmutableCredentials(accessKey!, secretKey!, Get(SessionTokenVariable));
        return new AwsEnvironment(credentials, region, variables);
    }

    private Uri? Endpoint(string variable)
    {
        var value = _variables(variable);
        if (string.IsNullOrWhiteSpace(value) || string.Equals(_variables(IgnoreEndpointsVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
            return null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new AwsException($"{variable} is not an http(s) URL: set it to e.g. https://secretsmanager.{Region}.amazonaws.com or unset it.");
        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            throw new AwsException(
                $"{variable} is http:// to {uri.Host}, which is not a loopback address: the signed requests carry the session token, " +
                $"so only https:// is accepted beyond 127.0.0.1/localhost. Use https://, or unset it.");
        return uri;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.DnsSafeHost, out var address) && System.Net.IPAddress.IsLoopback(address));
}
