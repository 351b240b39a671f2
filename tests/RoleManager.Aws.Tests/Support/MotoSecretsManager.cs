using Amazon.Runtime;
using RoleManager.Testing;

namespace RoleManager.Aws.Tests.Support;

/// <summary>
/// Our Secrets Manager client aimed at the collection's moto_server with moto's test credentials, every client of a
/// test class on one HttpClient with a short timeout (a hung call fails that test, not the run). Disposed with the class.
/// </summary>
public sealed class MotoSecretsManager(MotoServer moto) : IDisposable
{
    private static readonly ImmutableCredentials Testing = new(MotoServer.AccessKeyId, MotoServer.SecretAccessKey, MotoServer.SessionToken);

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public SecretsManagerClient Client(string region) => new(Http, Testing, region, moto.Endpoint);

    public void Dispose() => Http.Dispose();
}
