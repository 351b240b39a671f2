using RoleManager.Check;
using RoleManager.Model;

namespace RoleManager.Aws;

/// <summary>
/// Login credentials for the check: an RDS IAM auth token for <c>auth: iam</c> roles (signed with the AWS
/// credentials in the environment, made only when first needed), the configured password for
/// <c>auth: password</c>, nothing for <c>auth: none</c>. Each token made is handed to <paramref name="register"/>
/// (a host's log redactor) before it is used.
/// </summary>
public sealed class RdsIamLoginCredentials(Func<string, string?> environment, TimeProvider? time = null, Action<Secret>? register = null) : ILoginCredentials
{
    private IAuthTokenSource? _tokens;

    public async ValueTask<Secret?> GetAsync(RoleSpec role, string host, int port, CancellationToken cancellationToken)
    {
        switch (role.Auth)
        {
            case AuthMode.Password:
                return role.Password;
            case AuthMode.Iam:
                _tokens ??= RdsAuthTokenGenerator.FromEnvironment(AwsEnvironment.From(environment), time);
                var token = await _tokens.GetAuthTokenAsync(host, port, role.Name, cancellationToken);
                register?.Invoke(token);
                return token;
            default:
                return null;
        }
    }
}
