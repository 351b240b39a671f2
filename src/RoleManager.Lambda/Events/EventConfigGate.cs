using System.Text.Json;
using RoleManager.Errors;

namespace RoleManager.Lambda.Events;

/// <summary>
/// Decides whether an event may carry its own layout (<c>"config"</c>), and what it may say. Whoever may invoke the
/// function is not trusted with the master's rights, so:
/// <list type="bullet">
/// <item>event configs are refused unless the deployment sets <see cref="AllowVariable"/> to <c>true</c>
/// (the Terraform module's <c>allow_event_config</c>, default off);</item>
/// <item>even then an event config never reads the function's environment (no <c>password_env</c>; the layout is
/// resolved with <see cref="NoEnvironment"/>, so no variable's existence or value can be learned), and may not
/// grant what needs the function's own configuration: <c>createrole</c>, <c>createdb</c>, <c>member_of</c>,
/// <c>drop</c>, role <c>settings</c>/<c>database_settings</c> (resource limits such as work_mem reach the whole server), <c>extensions</c>, <c>auth: password</c>, the database privilege <c>create</c>, or another
/// database than the function's, in either form (<c>database:</c>, or each entry of a cluster config's <c>databases:</c>).</item>
/// </list>
/// A refusal is a <see cref="ConfigException"/> (<c>RoleManager.ConfigInvalid</c>) raised before anything is connected to.
/// </summary>
public static class EventConfigGate
{
    /// <summary>The deployment's opt-in to event configs: <c>true</c> to accept them; anything else refuses them.</summary>
    public const string AllowVariable = "ROLE_MANAGER_ALLOW_EVENT_CONFIG";

    private static readonly string[] ForbiddenRoleKeys = ["password_env", "createrole", "createdb", "member_of", "drop", "settings", "database_settings"];

    /// <summary>The environment an event config is resolved with: nothing is set.</summary>
    public static string? NoEnvironment(string name) => null;

    /// <summary>The event's config JSON when the deployment allows it and it stays within the rules; null when the event has none.</summary>
    /// <param name="functionDatabase">The database the function connects to; an event config may not name another.</param>
    public static string? Admit(LambdaEvent lambdaEvent, Func<string, string?> environment, string functionDatabase)
    {
        ArgumentNullException.ThrowIfNull(lambdaEvent);
        if (lambdaEvent.Config is not { } config) return null;
        if (!string.Equals(environment(AllowVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
            throw new ConfigException(
                $"This function does not accept a \"config\" in the event: its layout comes from its own configuration. " +
                $"Leave \"config\" out, or have the deployment set {AllowVariable}=true (Terraform: allow_event_config = true).");

        var problems = new List<string>();
        // The config as parsed with the event (EventParser.Read): checked here, loaded as text by the config loader.
        foreach (var top in config.EnumerateObject())
        {
            if (top.NameEquals("extensions"))
                problems.Add("\"extensions\" is not allowed in an event config (CREATE EXTENSION runs as the master)");
            else if (top.NameEquals("database") && top.Value.ValueKind == JsonValueKind.String && top.Value.GetString() is { Length: > 0 } database && database != functionDatabase)
                problems.Add("\"database\" must be the function's own database or left out");
            else if (top.NameEquals("auth") && IsPassword(top.Value))
                problems.Add("\"auth\": \"password\" is not allowed in an event config (passwords come only from the function's configuration)");
            else if (top.NameEquals("roles") && top.Value.ValueKind == JsonValueKind.Array)
                CheckRoles(top.Value, "roles", problems);
            else if (top.NameEquals("databases") && top.Value.ValueKind == JsonValueKind.Array)
                CheckDatabases(top.Value, functionDatabase, problems);
        }
        if (problems.Count > 0)
            throw new ConfigException(
                "The event's \"config\" asks for more than an event may: " + string.Join("; ", problems.Distinct()) +
                ". Put such settings in the function's own configuration (ROLE_MANAGER_CONFIG).");
        return config.GetRawText();
    }

    /// <summary>
    /// The cluster form (<c>databases:</c>) under the one-database form's rules, entry by entry: each names the function's
    /// own database (the one its IAM policy and security group were set up for), installs no extension, and its roles'
    /// per-database keys are checked as a one-database config's roles are.
    /// </summary>
    private static void CheckDatabases(JsonElement databases, string functionDatabase, List<string> problems)
    {
        int index = 0;
        foreach (var database in databases.EnumerateArray())
        {
            if (database.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in database.EnumerateObject())
                {
                    if (property.NameEquals("name") && (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() != functionDatabase))
                        problems.Add($"databases[{index}].name must be the function's own database");
                    else if (property.NameEquals("extensions"))
                        problems.Add($"databases[{index}].extensions is not allowed (CREATE EXTENSION runs as the master)");
                    else if (property.NameEquals("roles") && property.Value.ValueKind == JsonValueKind.Array)
                        CheckRoles(property.Value, $"databases[{index}].roles", problems);
                }
            }
            index++;
        }
    }

    private static void CheckRoles(JsonElement roles, string path, List<string> problems)
    {
        int index = 0;
        foreach (var role in roles.EnumerateArray())
        {
            if (role.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in role.EnumerateObject())
                {
                    if (ForbiddenRoleKeys.Contains(property.Name, StringComparer.Ordinal))
                        problems.Add($"{path}[{index}].{property.Name} is not allowed");
                    else if (property.NameEquals("auth") && IsPassword(property.Value))
                        problems.Add($"{path}[{index}].auth: password is not allowed");
                    else if (property.NameEquals("database_privileges") && property.Value.ValueKind == JsonValueKind.Array &&
                             property.Value.EnumerateArray().Any(p => p.ValueKind == JsonValueKind.String && string.Equals(p.GetString(), "create", StringComparison.OrdinalIgnoreCase)))
                        problems.Add($"{path}[{index}].database_privileges: create is not allowed");
                }
            }
            index++;
        }
    }

    private static bool IsPassword(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && string.Equals(value.GetString()?.Trim(), "password", StringComparison.OrdinalIgnoreCase);
}
