using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using RoleManager.Aws.Internal;
using RoleManager.Errors;

namespace RoleManager.Aws;

/// <summary>
/// Secrets Manager's <c>GetSecretValue</c> over the JSON 1.1 protocol, SigV4-signed with AWSSDK.Core,
/// on an injected <see cref="HttpClient"/>. Failures become <see cref="AwsException"/>s that say what
/// to do; none carries the secret value, the signature or a credential.
/// </summary>
public sealed partial class SecretsManagerClient(HttpClient http, ImmutableCredentials credentials, string region, Uri endpoint, TimeProvider? time = null)
    : ISecretSource
{
    public const string Service = "secretsmanager";
    private const string TargetPrefix = "secretsmanager.";
    private const string ContentType = "application/x-amz-json-1.1";
    private const int MaxAwsMessageLength = 300;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Uri Endpoint => endpoint;

    public static SecretsManagerClient FromEnvironment(HttpClient http, AwsEnvironment environment, TimeProvider? time = null)
        => new(http, environment.Credentials, environment.Region, environment.SecretsManagerEndpoint, time);

    public async Task<Secret> GetSecretValueAsync(string secretId, CancellationToken cancellationToken)
        => (await GetSecretVersionAsync(secretId, null, null, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>One version of a secret (by id or staging label; AWSCURRENT when both are null), with its id and labels.</summary>
    public async Task<SecretVersion> GetSecretVersionAsync(string secretId, string? versionId, string? versionStage, CancellationToken cancellationToken)
        => await GetSecretVersionAsync(secretId, versionId, versionStage, notFoundIsNull: false, cancellationToken).ConfigureAwait(false)
           ?? throw new InvalidOperationException("unreachable: not-found answers throw here");

    /// <summary>As <see cref="GetSecretVersionAsync(string, string?, string?, CancellationToken)"/>, but null when that version (or label) does not exist.</summary>
    public Task<SecretVersion?> TryGetSecretVersionAsync(string secretId, string? versionId, string? versionStage, CancellationToken cancellationToken)
        => GetSecretVersionAsync(secretId, versionId, versionStage, notFoundIsNull: true, cancellationToken);

    private async Task<SecretVersion?> GetSecretVersionAsync(string secretId, string? versionId, string? versionStage, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var request = new GetSecretValueRequest { SecretId = secretId, VersionId = versionId, VersionStage = versionStage };
        Calls.Count("GetSecretValue");
        var value = await CallAsync("GetSecretValue", secretId,
            JsonSerializer.SerializeToUtf8Bytes(request, AwsJsonContext.Default.GetSecretValueRequest),
            AwsJsonContext.Default.GetSecretValueResponse, notFoundIsNull, cancellationToken).ConfigureAwait(false);
        if (value is null)
            return null;
        if (value.SecretString is null)
            throw new AwsException($"secret {secretId} holds binary data (SecretBinary), not a SecretString: store the master credentials as a JSON string.");
        return new SecretVersion(value.VersionId ?? "", value.VersionStages ?? [], new Secret(value.SecretString));
    }

    /// <summary>Sends one signed JSON 1.1 call and reads its answer; every failure is an <see cref="AwsException"/> that says what to do.</summary>
    private async Task<T> CallAsync<T>(string operation, string secretId, byte[] payload, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
        where T : class
        => await CallAsync(operation, secretId, payload, answer, notFoundIsNull: false, cancellationToken).ConfigureAwait(false)
           ?? throw new InvalidOperationException("unreachable: not-found answers throw here");

    /// <summary>As above; with <paramref name="notFoundIsNull"/> a ResourceNotFoundException answer is null instead of an error.</summary>
    private async Task<T?> CallAsync<T>(string operation, string secretId, byte[] payload, JsonTypeInfo<T> answer, bool notFoundIsNull, CancellationToken cancellationToken)
        where T : class
    {
        using var request = CreateRequest(operation, payload, _time.GetUtcNow());
        HttpStatusCode status;
        string body;
        string? errorTypeHeader;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            errorTypeHeader = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AwsException(
                $"Secrets Manager at {endpoint} did not answer in time (HttpClient.Timeout {http.Timeout}) while {Doing(operation)} secret {secretId}: "
                + "check the network path from here to Secrets Manager (inside a VPC: a Secrets Manager VPC endpoint or a NAT gateway) and try again.");
        }
        catch (HttpRequestException e)
        {
            throw new AwsException(
                $"could not reach Secrets Manager at {endpoint} to {Verb(operation)} secret {secretId} ({e.HttpRequestError}): "
                + "check the network path from here to Secrets Manager (inside a VPC: a Secrets Manager VPC endpoint or a NAT gateway), or AWS_ENDPOINT_URL_SECRETS_MANAGER.",
                e);
        }

        if (status != HttpStatusCode.OK)
        {
            if (notFoundIsNull && ShortType(ParseError(body)?.Type ?? errorTypeHeader) == "ResourceNotFoundException")
                return null;
            throw Failure(operation, secretId, status, errorTypeHeader, body);
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize(body, answer);
        }
        catch (JsonException)
        {
            value = null;
        }
        return value ?? throw new AwsException(
            $"Secrets Manager at {endpoint} answered {operation} for {secretId} with a body that is not its JSON: check AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL.");
    }

    private static string Verb(string operation) => operation == "GetSecretValue" ? "read" : "call " + operation + " on";

    private static string Doing(string operation) => operation == "GetSecretValue" ? "reading" : "calling " + operation + " on";

    /// <summary>The signed HTTP request; internal so tests can compare the signature with botocore's.</summary>
    internal HttpRequestMessage CreateRequest(string secretId, DateTimeOffset now)
        => CreateRequest("GetSecretValue", JsonSerializer.SerializeToUtf8Bytes(new GetSecretValueRequest { SecretId = secretId }, AwsJsonContext.Default.GetSecretValueRequest), now);

    private HttpRequestMessage CreateRequest(string operation, byte[] payload, DateTimeOffset now)
    {
        var target = TargetPrefix + operation;
        var signedAt = SigV4.ToSigningTime(now);
        var amzDate = SigV4.Timestamp(signedAt);
        var path = endpoint.AbsolutePath.Length == 0 ? "/" : endpoint.AbsolutePath;

        var headers = new List<KeyValuePair<string, string>>
        {
            new("content-type", ContentType),
            new("host", SigV4.CanonicalHost(endpoint)),
            new("x-amz-date", amzDate),
            new("x-amz-target", target),
        };
        if (credentials.UseToken)
            headers.Add(new("x-amz-security-token", credentials.Token));
        var (canonicalRequest, signedHeaders) = SigV4.CanonicalRequest("POST", path, "", headers, SigV4.HexSha256(payload));
        var signing = SigV4.Sign(credentials, region, Service, signedAt, signedHeaders, canonicalRequest);

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path))
        {
            Content = new ByteArrayContent(payload),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (credentials.UseToken)
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        request.Headers.TryAddWithoutValidation("Authorization", signing.ForAuthorizationHeader);
        return request;
    }

    private AwsException Failure(string operation, string secretId, HttpStatusCode status, string? errorTypeHeader, string body)
    {
        var error = ParseError(body);
        var type = ShortType(error?.Type ?? errorTypeHeader);
        var said = string.IsNullOrWhiteSpace(error?.Message) ? "" : " AWS said: " + Redact(error.Message);
        var code = (int)status;

        return type switch
        {
            "ResourceNotFoundException" => new AwsException(
                $"secret {secretId} not found in region {region}: check DB_PASSWORD_SECRET_ARN or the role's password_secret (and that AWS_REGION is the secret's region)."),
            "AccessDeniedException" or "AccessDenied" => new AwsException(
                $"the function's role lacks secretsmanager:{operation} on {secretId}: add it to the role's policy.{said}"),
            "DecryptionFailure" => new AwsException(
                $"Secrets Manager could not decrypt secret {secretId} with its KMS key: grant kms:Decrypt on that key to the IAM identity in use (the function's execution role, or your own).{said}"),
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignature"
                or "SignatureDoesNotMatch" or "InvalidClientTokenId" or "MissingAuthenticationToken" => new AwsException(
                $"Secrets Manager rejected the AWS credentials ({type}) while {Doing(operation)} secret {secretId}: "
                + "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN belong together and to this partition."),
            "ExpiredTokenException" or "ExpiredToken" => new AwsException(
                $"the AWS session token has expired ({Doing(operation)} secret {secretId}): refresh the credentials (AWS_SESSION_TOKEN) and try again."),
            "InvalidRequestException" => new AwsException(
                $"secret {secretId} {(operation == "GetSecretValue" ? "cannot be read now" : "refused " + operation)} (InvalidRequestException, e.g. it is scheduled for deletion): restore it or point DB_PASSWORD_SECRET_ARN / password_secret at a live secret.{said}"),
            "InvalidParameterException" or "ValidationException" => new AwsException(
                $"Secrets Manager refused the secret id {secretId} ({type}): DB_PASSWORD_SECRET_ARN and password_secret must be a secret ARN or name.{said}"),
            "ThrottlingException" or "InternalServiceError" or "InternalFailure" or "ServiceUnavailable" => new AwsException(
                $"Secrets Manager is unavailable or throttling ({type}) while {Doing(operation)} secret {secretId}: try again.{said}"),
            null => new AwsException(
                $"Secrets Manager at {endpoint} answered HTTP {code} to {operation} for {secretId} without an AWS error type: "
                + "check AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL and any proxy in between."),
            _ => new AwsException($"Secrets Manager failed {operation} on secret {secretId}: {type} (HTTP {code}).{said}"),
        };
    }

    private static AwsErrorBody? ParseError(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, AwsJsonContext.Default.AwsErrorBody);
        }
        catch (JsonException)
        {
            // Not JSON: a front end (or an emulator) may answer in the query protocol's XML.
            return XmlError(body);
        }
    }

    private static AwsErrorBody? XmlError(string body)
    {
        var code = XmlCode().Match(body);
        if (!code.Success)
            return null;
        var message = XmlMessage().Match(body);
        return new AwsErrorBody { Type = code.Groups[1].Value, Message = message.Success ? WebUtility.HtmlDecode(message.Groups[1].Value) : null };
    }

    [GeneratedRegex("<Code>([A-Za-z0-9.]+)</Code>")]
    private static partial Regex XmlCode();

    [GeneratedRegex("<Message>([^<]*)</Message>")]
    private static partial Regex XmlMessage();

    /// <summary><c>com.amazonaws.secretsmanager#ResourceNotFoundException:http://...</c> → <c>ResourceNotFoundException</c>.</summary>
    private static string? ShortType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
            return null;
        var colon = type.IndexOf(':');
        if (colon >= 0)
            type = type[..colon];
        var hash = type.LastIndexOf('#');
        return (hash >= 0 ? type[(hash + 1)..] : type).Trim();
    }

    /// <summary>An AWS message, capped, with our own credentials removed should the service echo them.</summary>
    private string Redact(string message)
    {
        var text = new StringBuilder(message);
        foreach (var credential in new[] { credentials.SecretKey, credentials.Token, credentials.AccessKey })
        {
            if (!string.IsNullOrEmpty(credential))
                text.Replace(credential, "***");
        }
        return text.Length > MaxAwsMessageLength ? text.ToString(0, MaxAwsMessageLength) + "…" : text.ToString();
    }
}
