using System.Text.Json;
using System.Text.Json.Nodes;
using RoleManager.Errors;

namespace RoleManager.Aws;

/// <summary>
/// A role password secret's value: JSON with a <c>password</c> key (what RDS and the AWS rotation templates write,
/// often with <c>username</c>, <c>host</c>, ...) or the password as a plain string. Errors never quote the value.
/// </summary>
public static class RolePasswordDocument
{
    public static Secret Password(Secret value, string secretId)
    {
        var text = value.Reveal();
        if (!LooksLikeJson(text))
            return text.Length > 0 ? value : throw new AwsException($"secret {secretId} is empty: store the password (or JSON with a 'password' key) in it.");
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("password", out var password)
                && password.ValueKind == JsonValueKind.String
                && password.GetString() is { Length: > 0 } found)
                return new Secret(found);
        }
        catch (JsonException)
        {
            // Not JSON after all: a password may start with '{'. Then the whole string is the password.
            return value;
        }
        throw new AwsException($"secret {secretId} is JSON without a non-empty string 'password': store {{\"password\": \"...\"}} (other keys are kept) or the plain password.");
    }

    /// <summary>The value with the password replaced: other JSON keys (username, host, ...) are kept; a plain string stays plain.</summary>
    public static Secret WithPassword(Secret current, Secret password)
    {
        var text = current.Reveal();
        if (LooksLikeJson(text))
        {
            try
            {
                if (JsonNode.Parse(text) is JsonObject document)
                {
                    document["password"] = JsonValue.Create(password.Reveal());
                    return new Secret(document.ToJsonString());
                }
            }
            catch (JsonException)
            {
                // A plain password starting with '{': replaced by a plain password.
            }
        }
        return password;
    }

    private static bool LooksLikeJson(string text) => text.TrimStart().StartsWith('{');
}
