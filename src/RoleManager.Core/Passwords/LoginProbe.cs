using System.Security.Cryptography;
using Npgsql;
using RoleManager.Connect;
using RoleManager.Errors;

namespace RoleManager.Passwords;

/// <summary>
/// What a login as a declared role proves. A login with the right password proves it only where the server asks the
/// role for one: a <c>trust</c> line in pg_hba.conf lets any value in. The master user is not a superuser, so it cannot
/// read the stored verifier (<c>pg_authid</c>) to compare; what works for it is a second login with a value that must
/// fail (<see cref="ServerAsksForPasswordAsync"/>): refused (28P01) means the first login proved the password, let in
/// means the server does not ask.
/// </summary>
internal static class LoginProbe
{
    public enum Outcome
    {
        LoggedIn,
        /// <summary>SQLSTATE 28P01: the server asked for the password and refused it.</summary>
        PasswordRefused,
        /// <summary>Anything else (pg_hba rejects the role, too many connections): the login says nothing about the password.</summary>
        Failed,
    }

    /// <summary>What plan and check say about a password role whose server lets any password in.</summary>
    public const string NotAsked = PasswordDecision.NotAsked;

    /// <summary>What to do about it.</summary>
    public const string NotAskedHint = "make pg_hba.conf ask this role for a password (scram-sha-256), or declare it auth: none";

    /// <summary>The same for an IAM role: a token proves the login only where the server checks it.</summary>
    public const string TokenNotAsked = "the server does not ask this role for its IAM token (pg_hba trust): the login proves nothing";

    /// <summary>What to do about it (RDS asks every member of rds_iam for its token through PAM).</summary>
    public const string TokenNotAskedHint = "on RDS a member of rds_iam is always asked; elsewhere make pg_hba.conf ask this role for a password, or declare it auth: none";

    public static async Task<Outcome> LogInAsync(IConnectionFactory connections, string role, Secret password, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsAsync(role, password, cancellationToken);
            return Outcome.LoggedIn;
        }
        catch (Exception ex) when (IsPasswordRefused(ex))
        {
            return Outcome.PasswordRefused;
        }
        catch (Exception ex) when (ex is RoleManagerException or NpgsqlException)
        {
            return Outcome.Failed;
        }
    }

    /// <summary>
    /// False when a login with a random value no one has is let in (the server does not ask: trust); true when it is
    /// refused as a wrong password; null when the login failed otherwise, which tells nothing.
    /// </summary>
    public static async Task<bool?> ServerAsksForPasswordAsync(IConnectionFactory connections, string role, CancellationToken cancellationToken) =>
        await LogInAsync(connections, role, MustFail(), cancellationToken) switch
        {
            Outcome.LoggedIn => false,
            Outcome.PasswordRefused => true,
            _ => null,
        };

    public static bool IsPasswordRefused(Exception ex) =>
        (ex as PostgresException ?? ex.InnerException as PostgresException)?.SqlState == PostgresErrorCodes.InvalidPassword;

    /// <summary>128 random bits: no role's password, and never the same twice.</summary>
    private static Secret MustFail() => new("rm-must-fail-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
}
