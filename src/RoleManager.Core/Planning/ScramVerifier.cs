using System.Security.Cryptography;
using System.Text;

namespace RoleManager.Planning;

/// <summary>
/// Builds the SCRAM-SHA-256 verifier PostgreSQL stores for a password, so that the plaintext never
/// reaches the server (where <c>log_statement</c> or <c>pg_stat_statements</c> could record it).
/// The salt is derived from the role and password rather than drawn at random to keep the planner
/// deterministic; it is still unique per role and password, and the verifier costs 4096 PBKDF2 rounds.
/// </summary>
internal static class ScramVerifier
{
    private const int Iterations = 4096;

    public static string Create(string role, string password)
    {
        byte[] passwordBytes = Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC));
        byte[] salt = HMACSHA256.HashData(passwordBytes, Encoding.UTF8.GetBytes("role-manager scram salt:" + role))[..16];
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, Iterations, HashAlgorithmName.SHA256, 32);
        byte[] clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        byte[] storedKey = SHA256.HashData(clientKey);
        byte[] serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
