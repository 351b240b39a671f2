using RoleManager.Errors;

namespace RoleManager.Aws.Tests;

public sealed class RolePasswordDocumentTests
{
    [Theory]
    [InlineData("{\"username\":\"bi\",\"password\":\"p1\",\"host\":\"h\"}", "p1")]
    [InlineData("plain-password", "plain-password")]
    [InlineData("{not json but a password", "{not json but a password")]
    public void The_password_is_the_password_key_of_JSON_or_the_whole_string(string value, string expected)
    {
        Assert.Equal(expected, RolePasswordDocument.Password(new Secret(value), "s").Reveal());
    }

    [Theory]
    [InlineData("{\"username\":\"bi\"}")]
    [InlineData("{\"password\":\"\"}")]
    [InlineData("{\"password\":42}")]
    [InlineData("")]
    public void JSON_without_a_password_string_or_an_empty_secret_is_refused_without_quoting_it(string value)
    {
        var error = Assert.Throws<AwsException>(() => RolePasswordDocument.Password(new Secret(value), "reporting/pw"));
        Assert.Contains("secret reporting/pw", error.Message);
        if (value.Length > 0) Assert.DoesNotContain(value, error.Message);
    }

    [Fact]
    public void A_new_password_replaces_only_the_password_key_and_a_plain_secret_stays_plain()
    {
        var json = RolePasswordDocument.WithPassword(new Secret("{\"username\":\"bi\",\"password\":\"old\",\"port\":5432}"), new Secret("n\"ew"));
        Assert.Equal("{\"username\":\"bi\",\"password\":\"n\\u0022ew\",\"port\":5432}", json.Reveal());
        Assert.Equal("n\"ew", RolePasswordDocument.Password(json, "s").Reveal());
        Assert.Equal("new", RolePasswordDocument.WithPassword(new Secret("old"), new Secret("new")).Reveal());
    }
}
