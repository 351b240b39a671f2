using RoleManager.Errors;

namespace RoleManager.Aws.Tests;

public class MasterCredentialsTests
{
    [Fact]
    public void Parses_the_JSON_RDS_writes_and_ignores_other_keys()
    {
        var secret = new Secret("{\"engine\":\"postgres\",\"username\":\"postgres\",\"password\":\"p@ss\\\"word\",\"host\":\"db\",\"port\":5432}");

        var (username, password) = MasterCredentials.Parse(secret);

        Assert.Equal("postgres", username);
        Assert.Equal("p@ss\"word", password.Reveal());
    }

    [Fact]
    public void Printing_the_credentials_hides_the_password()
    {
        var credentials = MasterCredentials.Parse(new Secret("{\"username\":\"postgres\",\"password\":\"hunter2\"}"));

        Assert.DoesNotContain("hunter2", credentials.ToString());
        Assert.Contains("postgres", credentials.ToString());
    }

    [Theory]
    [InlineData("hunter2-not-json", "not a JSON object")]
    [InlineData("[\"hunter2\"]", "not a JSON object")]
    [InlineData("\"hunter2\"", "not a JSON object")]
    [InlineData("null", "not a JSON object")]
    [InlineData("{\"username\":\"postgres\",\"password\":\"hunter2\"", "not a JSON object")]
    [InlineData("{\"username\":17,\"password\":\"hunter2\"}", "not a JSON object")]
    [InlineData("{\"password\":\"hunter2\"}", "has no \"username\"")]
    [InlineData("{\"username\":\"postgres\"}", "has no \"password\"")]
    [InlineData("{\"username\":\"postgres\",\"password\":\"\"}", "has no \"password\"")]
    public void Anything_else_is_a_clear_error_that_does_not_echo_the_content(string content, string problem)
    {
        var error = Assert.Throws<ConfigException>(() => MasterCredentials.Parse(new Secret(content), "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-x"));

        Assert.Contains(problem, error.Message);
        Assert.Contains("arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-x", error.Message);
        Assert.Contains("DB_PASSWORD_SECRET_ARN", error.Message);
        Assert.DoesNotContain("hunter2", error.ToString());
        Assert.Null(error.InnerException);
    }
}
