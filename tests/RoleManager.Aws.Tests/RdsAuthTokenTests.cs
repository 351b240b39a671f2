using Amazon.Runtime;
using RoleManager.Aws.Tests.Support;

namespace RoleManager.Aws.Tests;

public class RdsAuthTokenTests
{
    public static TheoryData<int> TokenVectors => [.. Enumerable.Range(0, Vectors.Tokens.Count)];

    public static TheoryData<int> HeaderVectors => [.. Enumerable.Range(0, Vectors.HeaderSigning.Count)];

    [Theory]
    [MemberData(nameof(TokenVectors))]
    public void Token_matches_botocore_for_every_vector(int index)
    {
        var v = Vectors.Tokens[index];

        var token = RdsAuthTokenGenerator.Generate(
            Vectors.Credentials(v), v.Text("region"), v.Text("host"), v.GetProperty("port").GetInt32(), v.Text("user"), Vectors.Now(v));

        Assert.Equal(v.Text("token"), token.Reveal());
    }

    [Fact]
    public void The_vector_file_covers_session_tokens_special_users_and_the_default_port()
    {
        var tokens = Vectors.Tokens;
        Assert.True(tokens.Count >= 20);
        Assert.Contains(tokens, v => v.GetProperty("sessionToken").ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Contains(tokens, v => v.GetProperty("sessionToken").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Contains(tokens, v => v.Text("user").Contains('é') && v.Text("user").Contains('&'));
        Assert.Contains(tokens, v => v.GetProperty("port").GetInt32() == 443);
    }

    [Theory]
    [MemberData(nameof(HeaderVectors))]
    public async Task Secrets_Manager_request_signature_matches_botocore_for_every_vector(int index)
    {
        var v = Vectors.HeaderSigning[index];
        var client = new SecretsManagerClient(new HttpClient(), Vectors.Credentials(v), v.Text("region"), new Uri(v.Text("endpoint")));

        using var request = client.CreateRequest(v.Text("secretId"), Vectors.Now(v));

        Assert.Equal(v.Text("body"), await request.Content!.ReadAsStringAsync());
        Assert.Equal(v.Text("authorization"), string.Join(",", request.Headers.GetValues("Authorization")));
    }

    [Fact]
    public async Task Token_source_signs_at_the_time_its_clock_gives()
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "secret", null);
        var now = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        var source = new RdsAuthTokenGenerator(credentials, "eu-west-1", new FixedTimeProvider(now));

        var token = await source.GetAuthTokenAsync("db.example", 5432, "app", CancellationToken.None);

        Assert.Equal(RdsAuthTokenGenerator.Generate(credentials, "eu-west-1", "db.example", 5432, "app", now), token);
        Assert.Contains("X-Amz-Date=20240102T010405Z", token.Reveal());
        Assert.Contains("%2F20240102%2Feu-west-1%2Frds-db%2Faws4_request", token.Reveal());
        Assert.Contains("X-Amz-Expires=900", token.Reveal());
        Assert.StartsWith("db.example:5432/?Action=connect&DBUser=app&", token.Reveal());
        Assert.Equal("***", token.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Token_generator_rejects_a_port_outside_1_to_65535(int port)
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "secret", null);
        Assert.Throws<ArgumentOutOfRangeException>(() => RdsAuthTokenGenerator.Generate(credentials, "eu-west-1", "db.example", port, "app", DateTimeOffset.UnixEpoch));
    }
}
