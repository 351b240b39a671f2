namespace RoleManager.Passwords;

/// <summary>What the database tells everyone about a declared role's password: whether it can log in, and our marker.</summary>
public sealed record StoredPassword(string Role, bool CanLogin, string? Version);
