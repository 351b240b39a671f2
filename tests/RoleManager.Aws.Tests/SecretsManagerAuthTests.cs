using Amazon.Runtime;
using RoleManager.Aws.Tests.Support;
using RoleManager.Errors;

namespace RoleManager.Aws.Tests;

/// <summary>Against moto with IAM enforced, which verifies our SigV4 signature and the caller's policy.</summary>
[Collection(MotoCollection.Name)]
public sealed class SecretsManagerAuthTests(AuthenticatingMoto moto) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose() => _http.Dispose();

    private SecretsManagerClient Client(string accessKeyId, string secretAccessKey)
        => new(_http, new ImmutableCredentials(accessKeyId, secretAccessKey, null), AuthenticatingMoto.Region, moto.Server.Endpoint);

    [Fact]
    public async Task Moto_accepts_our_signature_for_a_user_allowed_to_read_secrets()
    {
        var value = await Client(moto.Reader.AccessKeyId, moto.Reader.SecretAccessKey)
            .GetSecretValueAsync(AuthenticatingMoto.SecretName, CancellationToken.None);

        Assert.Equal(AuthenticatingMoto.SecretValue, value.Reveal());
    }

    [Fact]
    public async Task A_wrong_secret_key_is_a_credentials_error_naming_the_variables()
    {
        var error = await Assert.ThrowsAsync<AwsException>(() => Client(moto.Reader.AccessKeyId, "wrong-secret-key-0123456789")
            .GetSecretValueAsync(AuthenticatingMoto.SecretName, CancellationToken.None));

        Assert.Contains("rejected the AWS credentials (SignatureDoesNotMatch)", error.Message);
        Assert.Contains("AWS_SECRET_ACCESS_KEY", error.Message);
    }

    [Fact]
    public async Task A_user_without_the_permission_is_told_which_one_the_role_lacks()
    {
        var error = await Assert.ThrowsAsync<AwsException>(() => Client(moto.NoPolicy.AccessKeyId, moto.NoPolicy.SecretAccessKey)
            .GetSecretValueAsync(AuthenticatingMoto.SecretName, CancellationToken.None));

        Assert.StartsWith($"the function's role lacks secretsmanager:GetSecretValue on {AuthenticatingMoto.SecretName}", error.Message);
    }
}
