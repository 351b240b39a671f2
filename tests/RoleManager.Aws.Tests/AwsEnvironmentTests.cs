using RoleManager.Errors;

namespace RoleManager.Aws.Tests;

public class AwsEnvironmentTests
{
    private static readonly Dictionary<string, string> Lambda = new()
    {
        ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "lambda-secret-key",
        ["AWS_SESSION_TOKEN"] = "lambda-session-token",
        ["AWS_REGION"] = "eu-west-1",
    };

    private static AwsEnvironment From(Dictionary<string, string> variables, params (string Name, string? Value)[] changes)
    {
        var copy = new Dictionary<string, string>(variables);
        foreach (var (name, value) in changes)
        {
            if (value is null)
                copy.Remove(name);
            else
                copy[name] = value;
        }
        return AwsEnvironment.From(name => copy.GetValueOrDefault(name));
    }

    [Fact]
    public void Reads_credentials_and_region_as_Lambda_provides_them()
    {
        var environment = From(Lambda);

        Assert.Equal("ASIAEXAMPLE", environment.Credentials.AccessKey);
        Assert.Equal("lambda-secret-key", environment.Credentials.SecretKey);
        Assert.Equal("lambda-session-token", environment.Credentials.Token);
        Assert.Equal("eu-west-1", environment.Region);
    }

    [Fact]
    public void A_session_token_is_optional()
    {
        var environment = From(Lambda, ("AWS_SESSION_TOKEN", null));

        Assert.False(environment.Credentials.UseToken);
    }

    [Theory]
    [InlineData("AWS_ACCESS_KEY_ID")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    public void A_missing_credential_is_an_AwsException_naming_the_variable(string variable)
    {
        var error = Assert.Throws<AwsException>(() => From(Lambda, (variable, null)));

        Assert.Contains(variable + " is not set", error.Message);
    }

    [Fact]
    public void Both_missing_credentials_are_named_in_one_message()
    {
        var error = Assert.Throws<AwsException>(() => From(Lambda, ("AWS_ACCESS_KEY_ID", " "), ("AWS_SECRET_ACCESS_KEY", null)));

        Assert.Contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set", error.Message);
    }

    [Fact]
    public void The_region_falls_back_to_AWS_DEFAULT_REGION()
    {
        var environment = From(Lambda, ("AWS_REGION", null), ("AWS_DEFAULT_REGION", "ap-south-1"));

        Assert.Equal("ap-south-1", environment.Region);
    }

    [Fact]
    public void AWS_REGION_wins_over_AWS_DEFAULT_REGION()
    {
        var environment = From(Lambda, ("AWS_DEFAULT_REGION", "ap-south-1"));

        Assert.Equal("eu-west-1", environment.Region);
    }

    [Fact]
    public void A_missing_region_is_an_AwsException_naming_both_variables()
    {
        var error = Assert.Throws<AwsException>(() => From(Lambda, ("AWS_REGION", null)));

        Assert.Contains("AWS_REGION", error.Message);
        Assert.Contains("AWS_DEFAULT_REGION", error.Message);
    }

    [Fact]
    public void Without_overrides_the_Secrets_Manager_endpoint_is_regional()
    {
        Assert.Equal(new Uri("https://secretsmanager.eu-west-1.amazonaws.com"), From(Lambda).SecretsManagerEndpoint);
    }

    [Fact]
    public void AWS_ENDPOINT_URL_overrides_the_regional_endpoint()
    {
        var environment = From(Lambda, ("AWS_ENDPOINT_URL", "http://localhost:4566"));

        Assert.Equal(new Uri("http://localhost:4566"), environment.SecretsManagerEndpoint);
    }

    [Fact]
    public void AWS_ENDPOINT_URL_SECRETS_MANAGER_wins_over_AWS_ENDPOINT_URL()
    {
        var environment = From(Lambda, ("AWS_ENDPOINT_URL", "http://localhost:4566"), ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "https://vpce-123.secretsmanager.eu-west-1.vpce.amazonaws.com"));

        Assert.Equal(new Uri("https://vpce-123.secretsmanager.eu-west-1.vpce.amazonaws.com"), environment.SecretsManagerEndpoint);
    }

    [Fact]
    public void An_endpoint_that_is_not_an_http_url_is_an_AwsException_naming_the_variable()
    {
        var environment = From(Lambda, ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "localhost:4566"));

        var error = Assert.Throws<AwsException>(() => environment.SecretsManagerEndpoint);
        Assert.StartsWith("AWS_ENDPOINT_URL_SECRETS_MANAGER is not an http(s) URL", error.Message);
    }
}
