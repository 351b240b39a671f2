using RoleManager.Errors;
using RoleManager.Evidence;

namespace RoleManager.Aws.Evidence;

/// <summary>
/// Where evidence goes in S3: a bucket, a prefix ending with "/" (default <c>role-manager/</c>), and an optional KMS key
/// (SSE-KMS; without it SSE-S3). The function reads it from <c>ROLE_MANAGER_EVIDENCE_*</c>, the CLI from <c>--evidence s3://bucket/prefix</c>.
/// </summary>
public sealed record EvidenceTarget(string Bucket, string Prefix, string? KmsKeyArn)
{
    public const string BucketVariable = "ROLE_MANAGER_EVIDENCE_BUCKET";
    public const string PrefixVariable = "ROLE_MANAGER_EVIDENCE_PREFIX";
    public const string KmsKeyVariable = "ROLE_MANAGER_EVIDENCE_KMS_KEY_ARN";

    /// <summary>The function's evidence target, or null when <c>ROLE_MANAGER_EVIDENCE_BUCKET</c> is not set (evidence is off).</summary>
    /// <exception cref="ConfigException">A value is not valid; the message names the variable.</exception>
    public static EvidenceTarget? FromEnvironment(Func<string, string?> environment)
    {
        var bucket = environment(BucketVariable)?.Trim();
        if (string.IsNullOrEmpty(bucket)) return null;
        var kms = environment(KmsKeyVariable)?.Trim();
        return Create(bucket, environment(PrefixVariable), string.IsNullOrEmpty(kms) ? null : kms, BucketVariable);
    }

    /// <summary><c>s3://bucket</c> or <c>s3://bucket/prefix</c> (the prefix gets a trailing "/"; none means the default).</summary>
    public static EvidenceTarget Parse(string uri, string? kmsKeyArn, string option)
    {
        var rest = uri["s3://".Length..];
        int slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? null : rest[(slash + 1)..];
        return Create(bucket, string.IsNullOrEmpty(prefix) ? null : prefix, kmsKeyArn, option);
    }

    private static EvidenceTarget Create(string bucket, string? prefix, string? kmsKeyArn, string source)
    {
        // S3's bucket naming rules, so a typo is a config error before any run rather than an S3 error after it.
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
            || !char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
            throw new ConfigException($"{source}: '{bucket}' is not an S3 bucket name (3-63 characters: lower-case letters, digits, '-' and '.'). Give the bucket's name, e.g. my-audit-bucket.");
        // The prefix comes from the variable in the function, from the option's URL in the CLI: name the one the user wrote.
        if (prefix is not null && (prefix.Contains("..", StringComparison.Ordinal) || prefix.Any(char.IsControl) || prefix.Contains('*')))
            throw new ConfigException($"{(source == BucketVariable ? PrefixVariable : source)}: '{prefix}' is not a usable prefix (no '..', '*' or control characters). Use e.g. role-manager/.");
        if (kmsKeyArn is not null && !kmsKeyArn.StartsWith("arn:", StringComparison.Ordinal))
            throw new ConfigException($"{KmsKeyVariable}: '{kmsKeyArn}' is not a KMS key ARN. Give the key's ARN (arn:aws:kms:region:account:key/id) or unset it for SSE-S3.");
        return new EvidenceTarget(bucket, EvidenceKeys.NormalizePrefix(prefix), kmsKeyArn);
    }
}
