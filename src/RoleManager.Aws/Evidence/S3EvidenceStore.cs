using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using RoleManager.Evidence;

namespace RoleManager.Aws.Evidence;

/// <summary>
/// Evidence in S3 through AWSSDK.S3: three calls (ListObjectsV2, GetObject, PutObject), all under one prefix, which is
/// all the Terraform module's policy allows (s3:ListBucket with an s3:prefix condition, s3:GetObject and s3:PutObject on
/// <c>bucket/prefix*</c>, no delete). Objects are encrypted with SSE-KMS when a key is given, else SSE-S3 (AES256).
/// Every failure is an <see cref="EvidenceException"/> that names the bucket, the key and the permission to check.
/// </summary>
public sealed class S3EvidenceStore : IEvidenceStore, IDisposable
{
    private readonly AmazonS3Client _s3;

    public S3EvidenceStore(AwsEnvironment environment, EvidenceTarget target)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Target = target ?? throw new ArgumentNullException(nameof(target));
        var config = new AmazonS3Config
        {
            // The body is in memory and small: no aws-chunked trailers, no checksum unless asked for (WriteAsync asks for one).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(30),
            MaxErrorRetry = 3,
        };
        if (environment.S3EndpointOverride is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = environment.Region;
            config.ForcePathStyle = true; // an emulator or an S3-compatible endpoint has no virtual-host DNS per bucket
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(environment.Region);
        }
        var credentials = environment.Credentials;
        AWSCredentials signing = credentials.UseToken
            ? new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token)
            : new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey);
        _s3 = new AmazonS3Client(signing, config);
    }

    public EvidenceTarget Target { get; }

    /// <summary>Keys per ListObjectsV2 page (S3's maximum by default); tests make it small to cross pages.</summary>
    internal int PageSize { get; init; } = 1000;

    public string Describe(string name) => $"s3://{Target.Bucket}/{Key(name)}";

    public string Key(string name) => Target.Prefix + name;

    public async Task<StoredEvidence?> ReadLatestAsync(string folder, CancellationToken cancellationToken)
    {
        var prefix = Key(folder);
        string? newest = null;
        var request = new ListObjectsV2Request { BucketName = Target.Bucket, Prefix = prefix, MaxKeys = PageSize };
        try
        {
            // Keys sort by time within the folder and S3 lists in key order: the newest is the last key of the last page.
            do
            {
                var page = await _s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                foreach (var item in page.S3Objects ?? [])
                    if (item.Key.EndsWith(".json", StringComparison.Ordinal) && (newest is null || string.CompareOrdinal(item.Key, newest) > 0))
                        newest = item.Key;
                request.ContinuationToken = page.NextContinuationToken;
            }
            while (!string.IsNullOrEmpty(request.ContinuationToken));
        }
        catch (Exception e) when (IsAwsFailure(e))
        {
            throw Failure(e, $"list the previous evidence under s3://{Target.Bucket}/{prefix}", $"s3:ListBucket on arn:aws:s3:::{Target.Bucket} (condition s3:prefix \"{Target.Prefix}*\")");
        }
        if (newest is null) return null;

        try
        {
            using var answer = await _s3.GetObjectAsync(Target.Bucket, newest, cancellationToken).ConfigureAwait(false);
            using var content = new MemoryStream();
            await answer.ResponseStream.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
            return new StoredEvidence(newest, content.ToArray());
        }
        catch (Exception e) when (IsAwsFailure(e))
        {
            throw Failure(e, $"read the previous evidence s3://{Target.Bucket}/{newest}", $"s3:GetObject on arn:aws:s3:::{Target.Bucket}/{Target.Prefix}*" + KmsDecrypt);
        }
    }

    public async Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        var request = new PutObjectRequest
        {
            BucketName = Target.Bucket,
            Key = Key(name),
            InputStream = body,
            ContentType = "application/json",
            UseChunkEncoding = false,
            // A bucket with Object Lock default retention (the example's, with evidence_retention_days) refuses a PUT
            // without Content-MD5 or a checksum header; with the body in memory the SDK sends x-amz-checksum-sha256 as
            // a plain header, and S3 verifies and keeps it.
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            ServerSideEncryptionMethod = Target.KmsKeyArn is null ? ServerSideEncryptionMethod.AES256 : ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = Target.KmsKeyArn,
        };
        try
        {
            await _s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsAwsFailure(e))
        {
            throw Failure(e, $"write the evidence {Describe(name)}", $"s3:PutObject on arn:aws:s3:::{Target.Bucket}/{Target.Prefix}*"
                + (Target.KmsKeyArn is null ? "" : $" and kms:GenerateDataKey on {Target.KmsKeyArn}"));
        }
    }

    public void Dispose() => _s3.Dispose();

    private string KmsDecrypt => Target.KmsKeyArn is null ? "" : $" and kms:Decrypt on {Target.KmsKeyArn}";

    // Cancellation by the caller is not a failure to explain; everything the SDK or the network throws is.
    private static bool IsAwsFailure(Exception e) => e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
        || (e is OperationCanceledException && e.InnerException is TimeoutException);

    private EvidenceException Failure(Exception e, string what, string permission)
    {
        var said = e is AmazonServiceException { Message.Length: > 0 } service ? " S3 said: " + Cap(service.Message) : "";
        return e switch
        {
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => new EvidenceException(
                $"could not {what}: bucket {Target.Bucket} does not exist (region {Region}). Check ROLE_MANAGER_EVIDENCE_BUCKET (or --evidence s3://bucket/prefix).", e),
            AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" } s => new EvidenceException(
                $"could not {what}: S3 rejected the AWS credentials ({s.ErrorCode}). Check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.", e),
            AmazonS3Exception { ErrorCode: "AccessDenied" or "AllAccessDisabled" } or AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } => new EvidenceException(
                $"could not {what}: access denied. The identity in use needs {permission}.{said}", e),
            AmazonS3Exception { ErrorCode: var code } when code?.StartsWith("KMS", StringComparison.Ordinal) == true => new EvidenceException(
                $"could not {what}: KMS refused ({code}). The identity in use needs kms:GenerateDataKey and kms:Decrypt on {Target.KmsKeyArn ?? "the bucket's key"}.{said}", e),
            AmazonServiceException s => new EvidenceException(
                $"could not {what}: S3 answered {s.ErrorCode ?? "an error"} (HTTP {(int)s.StatusCode}).{said} Try again; if it persists check the bucket and the endpoint.", e),
            _ => new EvidenceException(
                $"could not {what}: S3 did not answer ({e.GetType().Name}). Check the network path to S3 (inside a VPC: an S3 gateway endpoint or a NAT gateway), or AWS_ENDPOINT_URL_S3.", e),
        };
    }

    private string Region => _s3.Config.AuthenticationRegion ?? _s3.Config.RegionEndpoint?.SystemName ?? "?";

    private static string Cap(string message) => message.Length > 300 ? message[..300] + "…" : message;
}
