using System.Security.Cryptography;
using System.Text;
using RoleManager.Errors;

namespace RoleManager.Planning;

/// <summary>
/// Builds the SCRAM-SHA-256 verifier PostgreSQL stores for a password, so that the plaintext never
/// reaches the server (where <c>log_statement</c> or <c>pg_stat_statements</c> could record it).
/// <para>The salt is 16 fresh random bytes (<see cref="RandomNumberGenerator"/>), as PostgreSQL's own
/// <c>PASSWORD</c> does: a verifier leaked through a log costs the full PBKDF2 work per guess and per role,
/// and the same password never gives the same verifier twice.</para>
/// <para>The client (libpq, Npgsql) hashes the password after SASLprep (RFC 4013), which for printable and
/// control ASCII is the identity; for other characters it needs Unicode NFKC, which the Native AOT host
/// (invariant globalization) cannot do. So a password outside ASCII is refused with a clear message rather
/// than stored as a verifier that the client's login would never match.</para>
/// </summary>
internal static class ScramVerifier
{
    private const int Iterations = 4096;
    private const int SaltBytes = 16;

    public static string Create(string role, string password)
    {
        if (Problem(password) is { } problem)
            throw new ConfigException($"The password of role \"{role}\" {problem}");
        byte[] passwordBytes = Encoding.ASCII.GetBytes(password);
        return Create(passwordBytes, RandomNumberGenerator.GetBytes(SaltBytes));
    }

    /// <summary>Null when the password can be hashed exactly as libpq will; else why not.</summary>
    public static string? Problem(string password) =>
        password.All(char.IsAscii) ? null
            : "contains characters outside ASCII: PostgreSQL's clients normalize those (SASLprep, RFC 4013), which this build cannot " +
              "reproduce, so the login would fail. Use a password of ASCII characters (letters, digits, punctuation).";

    internal static string Create(byte[] passwordBytes, byte[] salt)
    {
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, Iterations, HashAlgorithmName.SHA256, 32);
        byte[] clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        byte[] storedKey = SHA256.HashData(clientKey);
        byte[] serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
