using System.Text;
using System.Text.Json;
using RoleManager.Aws.Evidence;
using RoleManager.Aws.Tests.Support;
using RoleManager.Errors;
using RoleManager.Evidence;
using RoleManager.Testing;

namespace RoleManager.Aws.Tests;

/// <summary>The S3 evidence store (AWSSDK.S3) against moto's S3: the newest object per database, pages, encryption, refusals.</summary>
[Collection(MotoCollection.Name)]
public sealed class EvidenceStoreTests(MotoServer moto)
{
    private static Func<string, string?> Variables(MotoServer server, (string AccessKeyId, string SecretAccessKey)? user = null, params (string Name, string Value)[] extra)
    {
        var variables = new Dictionary<string, string>(server.AwsVariables());
        if (user is { } u)
        {
            variables["AWS_ACCESS_KEY_ID"] = u.AccessKeyId;
            variables["AWS_SECRET_ACCESS_KEY"] = u.SecretAccessKey;
            variables.Remove("AWS_SESSION_TOKEN");
        }
        foreach (var (name, value) in extra) variables[name] = value;
        return name => variables.GetValueOrDefault(name);
    }

    private async Task<string> BucketAsync()
    {
        string bucket = "store-" + Guid.NewGuid().ToString("N")[..12];
        await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "s3api", "create-bucket", "--bucket", bucket);
        return bucket;
    }

    [Fact]
    public async Task The_newest_object_of_a_database_is_found_across_list_pages_and_other_databases_are_ignored()
    {
        string bucket = await BucketAsync();
        using var store = new S3EvidenceStore(AwsEnvironment.From(Variables(moto)), new EvidenceTarget(bucket, "audit/", null)) { PageSize = 2 };
        var start = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        foreach (int minutes in new[] { 30, 0, 50, 10, 20 })
            await store.WriteAsync(EvidenceKeys.Name("app", start.AddMinutes(minutes), "check", $"r{minutes}"), Encoding.UTF8.GetBytes($"{{\"m\":{minutes}}}"), CancellationToken.None);
        await store.WriteAsync(EvidenceKeys.Name("app2", start.AddDays(1), "check", "later"), "{}"u8.ToArray(), CancellationToken.None);

        var latest = await store.ReadLatestAsync(EvidenceKeys.Folder("app"), CancellationToken.None);

        Assert.NotNull(latest);
        Assert.Equal("audit/" + EvidenceKeys.Name("app", start.AddMinutes(50), "check", "r50"), latest.Key);
        Assert.Equal("{\"m\":50}", Encoding.UTF8.GetString(latest.Content));
        Assert.Null(await store.ReadLatestAsync(EvidenceKeys.Folder("nothing-here"), CancellationToken.None));
        Assert.Equal($"s3://{bucket}/audit/x.json", store.Describe("x.json"));
    }

    [Fact]
    public async Task Objects_are_written_with_SSE_S3_and_as_JSON()
    {
        string bucket = await BucketAsync();
        using var store = new S3EvidenceStore(AwsEnvironment.From(Variables(moto)), new EvidenceTarget(bucket, "", null));
        await store.WriteAsync("db/one.json", "{}"u8.ToArray(), CancellationToken.None);

        using var head = JsonDocument.Parse(await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "s3api", "head-object", "--bucket", bucket, "--key", "db/one.json"));
        Assert.Equal("AES256", head.RootElement.GetProperty("ServerSideEncryption").GetString());
        Assert.Equal("application/json", head.RootElement.GetProperty("ContentType").GetString());
    }

    /// <summary>
    /// The example's evidence bucket has Object Lock with a default retention when evidence_retention_days is set, and
    /// S3 refuses a PUT into such a bucket that carries neither Content-MD5 nor an x-amz-checksum-* header
    /// ("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters").
    /// Every write carries a SHA-256 checksum, which S3 keeps with the object.
    /// </summary>
    [Fact]
    public async Task Objects_carry_a_sha256_checksum_as_an_object_lock_bucket_requires()
    {
        string bucket = "locked-" + Guid.NewGuid().ToString("N")[..12];
        await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "s3api", "create-bucket", "--bucket", bucket, "--object-lock-enabled-for-bucket");
        await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "s3api", "put-object-lock-configuration", "--bucket", bucket, "--object-lock-configuration",
            """{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":1}}}""");
        using var store = new S3EvidenceStore(AwsEnvironment.From(Variables(moto)), new EvidenceTarget(bucket, "", null));
        byte[] content = "{\"evidence\":1}"u8.ToArray();

        await store.WriteAsync("db/one.json", content, CancellationToken.None);

        using var attributes = JsonDocument.Parse(await AwsCli.RunAsync(moto, MotoServer.DefaultRegion, null, "s3api", "get-object-attributes",
            "--bucket", bucket, "--key", "db/one.json", "--object-attributes", "Checksum"));
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(content)),
            attributes.RootElement.GetProperty("Checksum").GetProperty("ChecksumSHA256").GetString());
    }

    [Fact]
    public async Task A_missing_bucket_is_an_error_that_names_it_and_the_variable()
    {
        using var store = new S3EvidenceStore(AwsEnvironment.From(Variables(moto)), new EvidenceTarget("no-such-bucket-here", "p/", null));
        var error = await Assert.ThrowsAsync<EvidenceException>(() => store.WriteAsync("db/x.json", "{}"u8.ToArray(), CancellationToken.None));
        Assert.Contains("no-such-bucket-here does not exist", error.Message);
        Assert.Contains("ROLE_MANAGER_EVIDENCE_BUCKET", error.Message);
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_S3", "http://10.0.0.12:4566")]
    [InlineData("AWS_ENDPOINT_URL", "http://s3.attacker.example")]
    public void A_plain_http_S3_endpoint_beyond_loopback_is_refused(string variable, string url)
    {
        var error = Assert.Throws<AwsException>(() => new S3EvidenceStore(AwsEnvironment.From(Variables(moto, null, (variable, url))), new EvidenceTarget("b-b-b", "p/", null)));
        Assert.StartsWith(variable + " is http://", error.Message);
    }

    [Theory]
    [InlineData("s3://audit-bucket", "audit-bucket", "role-manager/")]
    [InlineData("s3://audit-bucket/", "audit-bucket", "role-manager/")]
    [InlineData("s3://audit-bucket/prod/db", "audit-bucket", "prod/db/")]
    public void An_s3_url_gives_the_bucket_and_a_prefix_ending_with_a_slash(string url, string bucket, string prefix) =>
        Assert.Equal(new EvidenceTarget(bucket, prefix, null), EvidenceTarget.Parse(url, null, "--evidence"));

    [Theory]
    [InlineData("s3://Upper_Case")]
    [InlineData("s3://ab")]
    [InlineData("s3:///prefix")]
    [InlineData("s3://bucket/../up")]
    public void A_bad_s3_url_is_a_config_error(string url) =>
        Assert.Throws<ConfigException>(() => EvidenceTarget.Parse(url, null, "--evidence"));

    /// <summary>
    /// moto with IAM enforced: a user with exactly the policy the Terraform module gives the function (PutObject and
    /// GetObject under the prefix, ListBucket with an s3:prefix condition) can keep evidence there and nowhere else.
    /// </summary>
    [Fact]
    public async Task The_modules_least_privilege_policy_is_enough_under_its_prefix_and_denied_outside_it()
    {
        string bucket = "scoped-" + Guid.NewGuid().ToString("N")[..10];
        using var server = MotoServer.Start(new Dictionary<string, string> { ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4" });
        await AwsCli.RunAsync(server, MotoServer.DefaultRegion, null, "s3api", "create-bucket", "--bucket", bucket);
        await AwsCli.RunAsync(server, MotoServer.DefaultRegion, null, "iam", "create-user", "--user-name", "fn");
        string policy = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::BUCKET/role-manager/*"},
              {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::BUCKET", "Condition": {"StringLike": {"s3:prefix": "role-manager/*"}}}]}
            """.Replace("BUCKET", bucket, StringComparison.Ordinal);
        await AwsCli.RunAsync(server, MotoServer.DefaultRegion, null, "iam", "put-user-policy", "--user-name", "fn", "--policy-name", "evidence", "--policy-document", policy);
        using var key = JsonDocument.Parse(await AwsCli.RunAsync(server, MotoServer.DefaultRegion, null, "iam", "create-access-key", "--user-name", "fn"));
        var user = (key.RootElement.GetProperty("AccessKey").GetProperty("AccessKeyId").GetString()!, key.RootElement.GetProperty("AccessKey").GetProperty("SecretAccessKey").GetString()!);

        using var inside = new S3EvidenceStore(AwsEnvironment.From(Variables(server, user)), new EvidenceTarget(bucket, "role-manager/", null));
        await inside.WriteAsync("db/2026-01-01T00-00-00.000Z-check-a.json", "{}"u8.ToArray(), CancellationToken.None);
        // Not ListObjectsV2 here: moto 5.2 rejects the signature of any list whose prefix holds a '/', botocore's own too
        // (aws s3api list-objects-v2 --prefix a/b/ gets SignatureDoesNotMatch under INITIAL_NO_AUTH_ACTION_COUNT).

        using var outside = new S3EvidenceStore(AwsEnvironment.From(Variables(server, user)), new EvidenceTarget(bucket, "elsewhere/", null));
        var denied = await Assert.ThrowsAsync<EvidenceException>(() => outside.WriteAsync("db/x.json", "{}"u8.ToArray(), CancellationToken.None));
        Assert.Contains("access denied", denied.Message);
        Assert.Contains($"s3:PutObject on arn:aws:s3:::{bucket}/elsewhere/*", denied.Message);
        Assert.DoesNotContain(user.Item2, denied.ToString());
    }
}
