using RoleManager.Aws.Tests.Support;
using RoleManager.Errors;
using RoleManager.Testing;

namespace RoleManager.Aws.Tests;

[Collection(MotoCollection.Name)]
public sealed class SecretsManagerClientTests(MotoServer moto) : IDisposable
{
    private readonly MotoSecretsManager _secrets = new(moto);

    public void Dispose() => _secrets.Dispose();

    private static string UniqueName(string prefix) => prefix + "/" + Guid.NewGuid().ToString("N");

    private SecretsManagerClient Client(string region) => _secrets.Client(region);

    [Fact]
    public async Task Reads_back_a_secret_created_with_the_aws_cli()
    {
        var name = UniqueName("master");
        await AwsCli.CreateSecretAsync(moto, "eu-west-1", name, "{\"username\":\"postgres\",\"password\":\"s3cr3t\"}");

        var value = await Client("eu-west-1").GetSecretValueAsync(name, CancellationToken.None);

        Assert.Equal("{\"username\":\"postgres\",\"password\":\"s3cr3t\"}", value.Reveal());
        var (username, password) = MasterCredentials.Parse(value);
        Assert.Equal("postgres", username);
        Assert.Equal("s3cr3t", password.Reveal());
    }

    [Fact]
    public async Task Reads_a_secret_by_its_ARN()
    {
        var name = UniqueName("by-arn");
        var created = await AwsCli.RunAsync(moto, "eu-west-1", null, "secretsmanager", "create-secret", "--name", name, "--secret-string", "value", "--query", "ARN", "--output", "text");

        var value = await Client("eu-west-1").GetSecretValueAsync(created.Trim(), CancellationToken.None);

        Assert.Equal("value", value.Reveal());
    }

    [Fact]
    public async Task A_client_from_the_environment_finds_moto_through_AWS_ENDPOINT_URL()
    {
        var name = UniqueName("env");
        await AwsCli.CreateSecretAsync(moto, "ap-southeast-2", name, "from-env");
        var variables = moto.AwsVariables("ap-southeast-2");

        var client = SecretsManagerClient.FromEnvironment(_secrets.Http, AwsEnvironment.From(variables.GetValueOrDefault));

        Assert.Equal(moto.Endpoint, client.Endpoint);
        Assert.Equal("from-env", (await client.GetSecretValueAsync(name, CancellationToken.None)).Reveal());
    }

    [Fact]
    public async Task A_missing_secret_is_an_AwsException_naming_the_secret_the_region_and_the_variable()
    {
        var error = await Assert.ThrowsAsync<AwsException>(() => Client("eu-west-1").GetSecretValueAsync("no-such-secret", CancellationToken.None));

        Assert.StartsWith("secret no-such-secret not found in region eu-west-1: check DB_PASSWORD_SECRET_ARN", error.Message);
        Assert.Equal("RoleManager.AwsFailed", error.ErrorType);
    }

    [Fact]
    public async Task A_secret_in_another_region_is_not_found()
    {
        var name = UniqueName("regional");
        await AwsCli.CreateSecretAsync(moto, "eu-west-1", name, "value");

        var error = await Assert.ThrowsAsync<AwsException>(() => Client("us-west-2").GetSecretValueAsync(name, CancellationToken.None));

        Assert.Contains("not found in region us-west-2", error.Message);
    }

    [Fact]
    public async Task A_binary_secret_is_refused_with_advice()
    {
        var name = UniqueName("binary");
        await AwsCli.RunAsync(moto, "eu-west-1", null, "secretsmanager", "create-secret", "--name", name, "--secret-binary", "aGVsbG8=");

        var error = await Assert.ThrowsAsync<AwsException>(() => Client("eu-west-1").GetSecretValueAsync(name, CancellationToken.None));

        Assert.Contains("SecretBinary", error.Message);
    }

    [Fact]
    public async Task A_secret_scheduled_for_deletion_says_it_cannot_be_read()
    {
        var name = UniqueName("deleted");
        await AwsCli.CreateSecretAsync(moto, "eu-west-1", name, "value");
        await AwsCli.RunAsync(moto, "eu-west-1", null, "secretsmanager", "delete-secret", "--secret-id", name, "--recovery-window-in-days", "7");

        var error = await Assert.ThrowsAsync<AwsException>(() => Client("eu-west-1").GetSecretValueAsync(name, CancellationToken.None));

        Assert.Contains($"secret {name} cannot be read now (InvalidRequestException", error.Message);
    }

    [Fact]
    public async Task The_caching_source_asks_Secrets_Manager_once_per_secret()
    {
        var name = UniqueName("cached");
        await AwsCli.CreateSecretAsync(moto, "eu-west-1", name, "first");
        var counting = new CountingSource(Client("eu-west-1"));
        var cached = new CachingSecretSource(counting);

        var first = await cached.GetSecretValueAsync(name, CancellationToken.None);
        await AwsCli.RunAsync(moto, "eu-west-1", null, "secretsmanager", "put-secret-value", "--secret-id", name, "--secret-string", "second");
        var second = await cached.GetSecretValueAsync(name, CancellationToken.None);

        Assert.Equal("first", first.Reveal());
        Assert.Equal("first", second.Reveal());
        Assert.Equal(1, counting.Calls);
    }

    [Fact]
    public async Task The_caching_source_does_not_cache_a_failure()
    {
        var name = UniqueName("late");
        var counting = new CountingSource(Client("eu-west-1"));
        var cached = new CachingSecretSource(counting);

        await Assert.ThrowsAsync<AwsException>(() => cached.GetSecretValueAsync(name, CancellationToken.None));
        await AwsCli.CreateSecretAsync(moto, "eu-west-1", name, "now-there");
        var value = await cached.GetSecretValueAsync(name, CancellationToken.None);

        Assert.Equal("now-there", value.Reveal());
        Assert.Equal(2, counting.Calls);
    }

    private sealed class CountingSource(ISecretSource inner) : ISecretSource
    {
        public int Calls;

        public Task<Secret> GetSecretValueAsync(string secretId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return inner.GetSecretValueAsync(secretId, cancellationToken);
        }
    }
}
