namespace RoleManager.Aws;

/// <summary>Reads a secret's string value (Secrets Manager's <c>SecretString</c>).</summary>
public interface ISecretSource
{
    Task<Secret> GetSecretValueAsync(string secretId, CancellationToken cancellationToken);
}
