using System.Collections.Concurrent;

namespace RoleManager.Aws;

/// <summary>
/// Keeps each secret read for the life of the process (a warm Lambda container reuses it) or, with
/// <c>maxAge</c>, until it is that old: a rotated secret is then read again without waiting for the
/// container to be recycled. <see cref="Forget"/> drops one value (the server refused it). Failures are
/// not cached: the next call tries again.
/// </summary>
public sealed class CachingSecretSource(ISecretSource inner, TimeSpan? maxAge = null, TimeProvider? time = null) : ISecretSource
{
    private readonly ConcurrentDictionary<string, (Secret Value, DateTimeOffset ReadAt)> _values = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<Secret> GetSecretValueAsync(string secretId, CancellationToken cancellationToken)
    {
        if (TryFresh(secretId, out var cached))
            return cached;
        await _fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (TryFresh(secretId, out cached))
                return cached;
            var value = await inner.GetSecretValueAsync(secretId, cancellationToken).ConfigureAwait(false);
            _values[secretId] = (value, _time.GetUtcNow());
            return value;
        }
        finally
        {
            _fetching.Release();
        }
    }

    /// <summary>Drops the cached value of one secret: the next read asks Secrets Manager again.</summary>
    public void Forget(string secretId) => _values.TryRemove(secretId, out _);

    private bool TryFresh(string secretId, out Secret value)
    {
        if (_values.TryGetValue(secretId, out var entry) && (maxAge is null || _time.GetUtcNow() - entry.ReadAt < maxAge))
        {
            value = entry.Value;
            return true;
        }
        value = null!;
        return false;
    }
}
