using RoleManager.Aws;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README, "The Lambda function": how often the master secret is read. A warm function keeps the value it read for at
/// most five minutes, and reads it again at once when the server refuses it (MasterSecretRotationTests runs that half
/// against moto and a real server); counted here with a clock the test moves.
/// </summary>
public sealed class MasterSecretClaimsTests
{
    private const string SecretId = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-1";

    [Fact]
    public async Task The_master_secret_is_read_once_then_again_after_five_minutes_or_at_once_when_refused()
    {
        var clock = new MovableClock(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var source = new CountingSource();
        var master = new MasterSecret(source, SecretId, clock);

        var first = await master.GetAsync(refresh: false, CancellationToken.None);
        clock.Now += TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59);
        await master.GetAsync(refresh: false, CancellationToken.None);
        Assert.Equal("rdsmaster", first.Username);
        Assert.Equal(1, source.Calls); // a warm start within five minutes reads nothing

        clock.Now += TimeSpan.FromSeconds(1);
        await master.GetAsync(refresh: false, CancellationToken.None);
        Assert.Equal(2, source.Calls); // five minutes after the read: read again, cold start or not

        await master.GetAsync(refresh: true, CancellationToken.None);
        Assert.Equal(3, source.Calls); // the server refused the password (28P01): read again at once
    }

    private sealed class CountingSource : ISecretSource
    {
        public int Calls;

        public Task<Secret> GetSecretValueAsync(string secretId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(new Secret("""{"username":"rdsmaster","password":"not-a-real-password"}"""));
        }
    }

    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
