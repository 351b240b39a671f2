using System.Collections.Concurrent;

namespace RoleManager.Aws;

/// <summary>How many calls of each Secrets Manager operation a client made: the budget tests and the run report read it.</summary>
public sealed class SecretsManagerCalls
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    internal void Count(string operation) => _counts.AddOrUpdate(operation, 1, (_, n) => n + 1);

    public int Of(string operation) => _counts.GetValueOrDefault(operation);

    public int GetSecretValue => Of("GetSecretValue");

    public int Total => _counts.Values.Sum();

    public override string ToString() =>
        string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
}
