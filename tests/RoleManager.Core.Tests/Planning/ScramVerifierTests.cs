using System.Security.Cryptography;
using System.Text;
using RoleManager.Errors;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

public class ScramVerifierTests
{
    private static (int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey) Split(string verifier)
    {
        // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
        var parts = verifier["SCRAM-SHA-256$".Length..].Split('$');
        var head = parts[0].Split(':');
        var keys = parts[1].Split(':');
        return (int.Parse(head[0]), Convert.FromBase64String(head[1]), Convert.FromBase64String(keys[0]), Convert.FromBase64String(keys[1]));
    }

    [Fact]
    public void Two_verifiers_of_the_same_password_and_role_differ()
    {
        string a = ScramVerifier.Create("app", "correct horse battery staple"), b = ScramVerifier.Create("app", "correct horse battery staple");
        Assert.NotEqual(a, b);
        Assert.NotEqual(Split(a).Salt, Split(b).Salt);
    }

    [Fact]
    public void The_salt_is_sixteen_random_bytes_not_derived_from_the_password()
    {
        var (iterations, salt, storedKey, serverKey) = Split(ScramVerifier.Create("app", "pw-123456"));
        Assert.Equal(4096, iterations);
        Assert.Equal(16, salt.Length);
        // The old derivation: HMAC(password, "role-manager scram salt:" + role)[..16].
        Assert.NotEqual(HMACSHA256.HashData("pw-123456"u8.ToArray(), Encoding.UTF8.GetBytes("role-manager scram salt:app"))[..16], salt);
        // The keys are the RFC 5802 ones for that salt.
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2("pw-123456"u8.ToArray(), salt, 4096, HashAlgorithmName.SHA256, 32);
        Assert.Equal(SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8)), storedKey);
        Assert.Equal(HMACSHA256.HashData(salted, "Server Key"u8), serverKey);
    }

    [Theory]
    [InlineData("pässwort")]
    [InlineData("パスワード")]
    [InlineData("pass\u00A0word")]
    [InlineData("ｐａｓｓ")]
    public void A_password_outside_ascii_is_refused_with_a_message_that_says_why_and_what_to_do(string password)
    {
        var error = Assert.Throws<ConfigException>(() => ScramVerifier.Create("app", password));
        Assert.Contains("\"app\"", error.Message);
        Assert.Contains("ASCII", error.Message);
        Assert.DoesNotContain(password, error.Message);
    }
}
