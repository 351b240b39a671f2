namespace RoleManager;

/// <summary>
/// A password, token or secret string. It never prints itself: <see cref="ToString"/>, records that
/// hold it and JSON serialisation all see "***", so a secret reaches output only through an explicit
/// <see cref="Reveal"/> at the point of use (a connection, a statement sent to the server).
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    private readonly string _value;

    public Secret(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    public string Reveal() => _value;

    public bool IsEmpty => _value.Length == 0;

    public override string ToString() => "***";

    public bool Equals(Secret? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as Secret);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);
}
