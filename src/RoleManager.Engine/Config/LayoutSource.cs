using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Config;

/// <summary>Where the layout comes from: a config file or text, else names (flags, then environment).</summary>
public sealed record LayoutInputs(
    string? ConfigPath = null,
    string? ConfigText = null,
    string? Database = null,
    string? Schema = null,
    string? AppUser = null,
    string? MigratorUser = null,
    AuthMode? Auth = null,
    Profile? AppProfile = null,
    GrantMode? GrantMode = null);

/// <summary>
/// Turns the inputs into a validated <see cref="DesiredState"/> before anything connects: a bad
/// config is reported without a connection ever being opened. The database is the connection's (flag, connection
/// string, then <c>PGDATABASE</c>/<c>DB_NAME</c> in the host's order: one precedence for both, so a flag is never
/// overruled by a variable here). Environment variables are the reference implementation's: <c>DB_SCHEMA</c>,
/// <c>APP_USER</c>, <c>MIGRATOR_USER</c>, plus
/// <c>APP_PASSWORD</c>/<c>MIGRATOR_PASSWORD</c> for <c>auth: password</c>, and <c>ROLE_MANAGER_GRANT_MODE</c>
/// (auto, direct, groups: the <c>grant_mode</c> of a config that does not set one).
/// </summary>
public static class LayoutSource
{
    /// <summary>One database's layout; a cluster config is an error here (<see cref="ResolveLayout"/> reads it).</summary>
    public static DesiredState Resolve(LayoutInputs inputs, Func<string, string?> environment, string connectionDatabase)
    {
        var layout = ResolveLayout(inputs, environment, connectionDatabase);
        return layout.IsCluster
            ? throw new ConfigException("This command reads one database's layout; the config declares a cluster (databases:).")
            : layout.Databases[0];
    }

    /// <summary>The layout: a one-database config or the default layout (one database), or a cluster config.</summary>
    /// <param name="connectionDatabase">The database the connection resolved (<c>ConnectionResolver</c>).</param>
    public static ClusterLayout ResolveLayout(LayoutInputs inputs, Func<string, string?> environment, string connectionDatabase)
    {
        string database = inputs.Database ?? connectionDatabase;
        var auth = inputs.Auth ?? AuthMode.Iam;
        var grantMode = inputs.GrantMode ?? GrantModeFrom(environment("ROLE_MANAGER_GRANT_MODE"));
        if (inputs.ConfigPath is not null && inputs.ConfigText is not null)
            throw new ConfigException("Give the layout either as a config file or as config text, not both.");
        if (inputs.ConfigPath is not null)
            return ConfigLoader.LoadLayoutFile(inputs.ConfigPath, environment, new ConfigDefaults(database, auth, grantMode));
        if (inputs.ConfigText is not null)
            return ConfigLoader.LoadLayout(inputs.ConfigText, "config", environment, new ConfigDefaults(database, auth, grantMode));

        return ClusterLayout.One(DefaultLayout.Build(new DefaultLayoutOptions(
            database,
            inputs.Schema ?? NonEmpty(environment("DB_SCHEMA")) ?? "app",
            inputs.AppUser ?? NonEmpty(environment("APP_USER")) ?? "app",
            inputs.MigratorUser ?? NonEmpty(environment("MIGRATOR_USER")) ?? "migrator",
            auth,
            inputs.AppProfile ?? Profile.ReadWrite,
            Password(environment("APP_PASSWORD")),
            Password(environment("MIGRATOR_PASSWORD")),
            grantMode)));
    }

    private static GrantMode GrantModeFrom(string? value) =>
        NonEmpty(value) is not { } text ? GrantMode.Auto
        : GroupRoles.ParseMode(text) ?? throw new ConfigException($"ROLE_MANAGER_GRANT_MODE is '{Names.Printable(text)}': use auto, direct or groups.");

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static Secret? Password(string? value) => string.IsNullOrEmpty(value) ? null : new Secret(value);
}
