using System.Collections.Concurrent;

namespace RoleManager.Aws;

/// <summary>
/// Fetches each secret once per process and keeps it, as a warm Lambda container reuses it.
/// Failures are not cached: the next call tries again.
/// </summary>
public sealed class CachingSecretSource(ISecretSource inner) : ISecretSource
{
    private readonly ConcurrentDictionary<string, Secret> _values = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetching = new(1, 1);

    public async Task<Secret> GetSecretValueAsync(string secretId, CancellationToken cancellationToken)
    {
        if (_values.TryGetValue(secretId, out var cached))
            return cached;
        await _fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_values.TryGetValue(secretId, out cached))
                return cached;
            var value = await inner.GetSecretValueAsync(secretId, cancellationToken).ConfigureAwait(false);
            _values[secretId] = value;
            return value;
        }
        finally
        {
            _fetching.Release();
        }
    }
}
