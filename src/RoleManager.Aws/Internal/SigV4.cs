using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace RoleManager.Aws.Internal;

/// <summary>
/// The canonical-request half of Signature Version 4, on top of AWSSDK.Core: the SDK computes the
/// string to sign, the signing key and the signature (<see cref="AWS4Signer.ComputeSignature(ImmutableCredentials, string, DateTime, string, string, string)"/>),
/// its RFC 3986 encoder and SHA-256 do the rest. We only lay out the canonical request, because the
/// SDK's request-level signers need a whole service client configuration that we do not have.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>SHA-256 of an empty payload, hex.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>RFC 3986 percent-encoding (unreserved characters kept, UTF-8, upper-case hex), as SigV4 requires.</summary>
    public static string Encode(string value) => AWSSDKUtils.UrlEncode(value, false);

    public static DateTime ToSigningTime(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc);
    }

    public static string Timestamp(DateTime signedAt) => signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string Scope(DateTime signedAt, string region, string service)
        => signedAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "/" + region + "/" + service + "/aws4_request";

    public static string HexSha256(byte[] payload) => AWSSDKUtils.ToHex(AWS4Signer.ComputeHash(payload), true);

    /// <summary>
    /// The canonical request. <paramref name="headers"/> are lower-case names with trimmed values;
    /// they are sorted here. Returns the request and the signed-headers list.
    /// </summary>
    public static (string CanonicalRequest, string SignedHeaders) CanonicalRequest(
        string method, string canonicalPath, string canonicalQuery,
        IEnumerable<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var sorted = headers.OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Key));
        var text = new StringBuilder()
            .Append(method).Append('\n')
            .Append(canonicalPath).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in sorted)
            text.Append(name).Append(':').Append(value.Trim()).Append('\n');
        text.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return (text.ToString(), signedHeaders);
    }

    /// <summary>Query parameters, already encoded by <see cref="Encode"/>, sorted and joined.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> encodedParameters)
        => string.Join('&', encodedParameters
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

    public static AWS4SigningResult Sign(
        ImmutableCredentials credentials, string region, string service, DateTime signedAt,
        string signedHeaders, string canonicalRequest)
        => AWS4Signer.ComputeSignature(credentials, region, signedAt, service, signedHeaders, canonicalRequest);

    /// <summary>The Host header value SigV4 signs: lower case, the port only when it is not the scheme's default.</summary>
    public static string CanonicalHost(Uri uri)
        => uri.IsDefaultPort ? uri.Host.ToLowerInvariant() : uri.Host.ToLowerInvariant() + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
}
