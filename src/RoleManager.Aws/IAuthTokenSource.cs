namespace RoleManager.Aws;

/// <summary>Gives the password for an IAM database login: a fresh RDS auth token per connection.</summary>
public interface IAuthTokenSource
{
    ValueTask<Secret> GetAuthTokenAsync(string host, int port, string user, CancellationToken cancellationToken);
}
