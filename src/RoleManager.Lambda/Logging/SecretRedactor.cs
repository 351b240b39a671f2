namespace RoleManager.Lambda.Logging;

/// <summary>
/// The last line of defence for output: every secret the function has read (the master password, a token)
/// is registered here, and the logger replaces any occurrence of one with <c>***</c> before a line is written.
/// The first line of defence stays at the source: <see cref="Secret"/> never prints itself.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    // Shorter values would mask ordinary words; a real password or token is never this short.
    private const int MinimumLength = 4;

    private readonly Lock _lock = new();
    private string[] _values = [];

    public void Register(Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var value = secret.Reveal();
        if (value.Length < MinimumLength)
        {
            return;
        }

        lock (_lock)
        {
            if (!_values.Contains(value, StringComparer.Ordinal))
            {
                // Longest first, so a secret that contains another is masked whole.
                _values = [.. _values.Append(value).OrderByDescending(v => v.Length)];
            }
        }
    }

    /// <summary>Registers the values of the named environment variables that are set (e.g. the AWS secret key and session token).</summary>
    public void RegisterVariables(Func<string, string?> environment, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in names)
        {
            if (environment(name) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                Register(new Secret(value.Trim()));
            }
        }
    }

    public string Redact(string text)
    {
        var values = _values;
        foreach (var value in values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
