using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using RoleManager.Aws.Tests.Support;
using RoleManager.Testing;

namespace RoleManager.Aws.Tests;

/// <summary>Every failure we can provoke, scanned for the password, the credentials and the signature.</summary>
[Collection(MotoCollection.Name)]
public sealed class SecretLeakTests(MotoServer moto, AuthenticatingMoto authenticating)
{
    private const string Password = "LEAK-pw-7f3a9c";
    private const string SecretKey = "LEAK-sk-91b2e4/abc+def";
    private const string SessionToken = "LEAK-st-55aa0c";
    private static readonly ImmutableCredentials Credentials = new("AKIDLEAKCHECK", SecretKey, SessionToken);

    [Fact]
    public async Task No_exception_message_or_ToString_contains_the_password_a_credential_or_a_signature()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(1500) };
        var client = new SecretsManagerClient(http, Credentials, "eu-west-1", moto.Endpoint);
        var prefix = "leak/" + Guid.NewGuid().ToString("N");
        await AwsCli.CreateSecretAsync(moto, "eu-west-1", prefix + "/truncated", "{\"username\":\"postgres\",\"password\":\"" + Password + "\"");
        await AwsCli.CreateSecretAsync(moto, "eu-west-1", prefix + "/typed", "{\"username\":5,\"password\":\"" + Password + "\"}");
        await AwsCli.CreateSecretAsync(moto, "eu-west-1", prefix + "/nouser", "{\"password\":\"" + Password + "\"}");
        await AwsCli.RunAsync(moto, "eu-west-1", null, "secretsmanager", "create-secret", "--name", prefix + "/binary", "--secret-binary", "aGVsbG8=");
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var silentClient = new SecretsManagerClient(http, Credentials, "eu-west-1", new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}"));
        var unreachable = new SecretsManagerClient(http, Credentials, "eu-west-1", new Uri("http://127.0.0.1:1"));
        var wrongKey = new SecretsManagerClient(http, new ImmutableCredentials(authenticating.Reader.AccessKeyId, SecretKey, null), AuthenticatingMoto.Region, authenticating.Server.Endpoint);
        var noPolicy = new SecretsManagerClient(http, new ImmutableCredentials(authenticating.NoPolicy.AccessKeyId, authenticating.NoPolicy.SecretAccessKey, null), AuthenticatingMoto.Region, authenticating.Server.Endpoint);
        var lambdaWithoutRegion = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIDLEAKCHECK", ["AWS_SECRET_ACCESS_KEY"] = SecretKey, ["AWS_SESSION_TOKEN"] = SessionToken };
        var badEndpoint = new Dictionary<string, string>(lambdaWithoutRegion) { ["AWS_REGION"] = "eu-west-1", ["AWS_ENDPOINT_URL"] = "ftp://user:" + Password + "@host" };

        Func<Task>[] failures =
        [
            () => client.GetSecretValueAsync(prefix + "/missing", CancellationToken.None),
            () => client.GetSecretValueAsync(prefix + "/binary", CancellationToken.None),
            async () => MasterCredentials.Parse(await client.GetSecretValueAsync(prefix + "/truncated", CancellationToken.None)),
            async () => MasterCredentials.Parse(await client.GetSecretValueAsync(prefix + "/typed", CancellationToken.None)),
            async () => MasterCredentials.Parse(await client.GetSecretValueAsync(prefix + "/nouser", CancellationToken.None)),
            () => MasterCredentials.Parse(new Secret(Password)) is null ? Task.CompletedTask : Task.CompletedTask,
            () => silentClient.GetSecretValueAsync("any", CancellationToken.None),
            () => unreachable.GetSecretValueAsync("any", CancellationToken.None),
            () => wrongKey.GetSecretValueAsync(AuthenticatingMoto.SecretName, CancellationToken.None),
            () => noPolicy.GetSecretValueAsync(AuthenticatingMoto.SecretName, CancellationToken.None),
            () => Task.FromResult(AwsEnvironment.From(lambdaWithoutRegion.GetValueOrDefault)),
            () => Task.FromResult(AwsEnvironment.From(badEndpoint.GetValueOrDefault).SecretsManagerEndpoint),
        ];

        var texts = new List<string>();
        foreach (var failure in failures)
        {
            var error = await Record.ExceptionAsync(failure);
            Assert.NotNull(error);
            Assert.IsAssignableFrom<RoleManager.Errors.RoleManagerException>(error);
            texts.Add(error.Message);
            texts.Add(error.ToString());
        }
        texts.Add(new MasterCredentials("postgres", new Secret(Password)).ToString());

        string[] forbidden = [Password, SecretKey, SessionToken, authenticating.NoPolicy.SecretAccessKey, "Signature=", "X-Amz-Signature", "Credential="];
        var hits = texts.SelectMany(text => forbidden.Where(f => text.Contains(f, StringComparison.Ordinal)).Select(f => f + " in: " + text)).ToList();
        Assert.Empty(hits);
    }
}
