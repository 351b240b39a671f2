using RoleManager.Errors;

namespace RoleManager.Aws.Tests;

/// <summary>An endpoint override receives signed requests with the session token: never in clear beyond this machine.</summary>
public class EndpointOverrideSecurityTests
{
    private static AwsEnvironment From(params (string Name, string Value)[] extra)
    {
        var variables = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "lambda-secret-key",
            ["AWS_SESSION_TOKEN"] = "lambda-session-token", ["AWS_REGION"] = "eu-west-1",
        };
        foreach (var (name, value) in extra) variables[name] = value;
        return AwsEnvironment.From(name => variables.GetValueOrDefault(name));
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL", "http://secretsmanager.eu-west-1.amazonaws.com")]
    [InlineData("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://10.0.0.12:4566")]
    [InlineData("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://attacker.example")]
    [InlineData("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1.attacker.example")]
    public void A_plain_http_endpoint_beyond_loopback_is_refused(string variable, string url)
    {
        var error = Assert.Throws<AwsException>(() => From((variable, url)).SecretsManagerEndpoint);
        Assert.StartsWith(variable + " is http://", error.Message);
        Assert.Contains("https://", error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4566")]
    [InlineData("http://localhost:4566")]
    [InlineData("http://[::1]:4566")]
    [InlineData("https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com")]
    public void Https_anywhere_and_http_to_loopback_are_accepted(string url) =>
        Assert.Equal(new Uri(url), From(("AWS_ENDPOINT_URL_SECRETS_MANAGER", url)).SecretsManagerEndpoint);

    [Fact]
    public void Aws_ignore_configured_endpoint_urls_restores_the_regional_endpoint()
    {
        var environment = From(("AWS_ENDPOINT_URL", "http://attacker.example"), ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "https://other.example"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));
        Assert.Equal(new Uri("https://secretsmanager.eu-west-1.amazonaws.com"), environment.SecretsManagerEndpoint);
        Assert.Contains("(regional)", environment.SecretsManagerEndpointDescription);
    }

    [Fact]
    public void The_endpoint_description_names_the_override_and_its_variable()
    {
        var description = From(("AWS_ENDPOINT_URL_SECRETS_MANAGER", "https://vpce-1.example")).SecretsManagerEndpointDescription;
        Assert.Contains("https://vpce-1.example/", description);
        Assert.Contains("AWS_ENDPOINT_URL_SECRETS_MANAGER", description);
    }

    [Fact]
    public void The_secret_key_and_the_session_token_are_offered_for_redaction_and_the_access_key_id_is_not()
    {
        var secrets = From().Secrets.Select(s => s.Reveal()).ToList();
        Assert.Equal(["lambda-secret-key", "lambda-session-token"], secrets);
    }
}
