using RoleManager.Model;

namespace RoleManager.Check;

/// <summary>What a declared role logs in with: a password, an RDS IAM token, or nothing (trust).</summary>
public interface ILoginCredentials
{
    ValueTask<Secret?> GetAsync(RoleSpec role, string host, int port, CancellationToken cancellationToken);
}

/// <summary>Local logins: the role's configured password for <c>auth: password</c>, nothing otherwise.</summary>
public sealed class PasswordLoginCredentials : ILoginCredentials
{
    public ValueTask<Secret?> GetAsync(RoleSpec role, string host, int port, CancellationToken cancellationToken) =>
        ValueTask.FromResult(role.Auth == AuthMode.Password ? role.Password : null);
}
