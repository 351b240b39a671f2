using System.Collections.Immutable;
using RoleManager.Errors;
using RoleManager.Model;

namespace RoleManager.Config;

/// <summary>The inputs of the no-config layout: names, auth and the app role's profile.</summary>
public sealed record DefaultLayoutOptions(
    string Database,
    string Schema = "app",
    string AppUser = "app",
    string MigratorUser = "migrator",
    AuthMode Auth = AuthMode.Iam,
    Profile AppProfile = Profile.ReadWrite,
    Secret? AppPassword = null,
    Secret? MigratorPassword = null,
    GrantMode GrantMode = GrantMode.Auto);

/// <summary>
/// The layout produced from names alone (DESIGN.md, "The default layout"): a migrator that owns the
/// schema and an app role that reads and writes its data, both able to connect, nothing else.
/// </summary>
public static class DefaultLayout
{
    public static DesiredState Build(DefaultLayoutOptions options)
    {
        var problems = new List<string>();
        if (Names.Problem(options.Database, "database") is { } p0) problems.Add(p0);
        if (Names.SchemaProblem(options.Schema) is { } p1) problems.Add(p1);
        if (Names.RoleProblem(options.AppUser) is { } p2) problems.Add(p2 + " (APP_USER / --app-user)");
        if (Names.RoleProblem(options.MigratorUser) is { } p3) problems.Add(p3 + " (MIGRATOR_USER / --migrator-user)");
        if (options.AppUser == options.MigratorUser) problems.Add($"the app and migrator users must differ (both are \"{options.AppUser}\")");
        if (options.AppProfile == Profile.Owner) problems.Add("the app role cannot be the owner profile: the migrator owns the schema");
        if (options.Auth == AuthMode.Password)
        {
            if (options.AppPassword is null) problems.Add("auth is 'password' but no password was given for the app role: set APP_PASSWORD");
            if (options.MigratorPassword is null) problems.Add("auth is 'password' but no password was given for the migrator role: set MIGRATOR_PASSWORD");
        }
        if (problems.Count > 0) throw new ConfigException(problems);

        var searchPath = ImmutableArray.Create(options.Schema);
        var connect = ImmutableArray.Create(DatabasePrivilege.Connect, DatabasePrivilege.Temporary);
        var state = new DesiredState(
            options.Database,
            [new SchemaSpec(options.Schema, options.MigratorUser)],
            [
                new RoleSpec(options.MigratorUser, Login: true, options.Auth, searchPath, [], [], connect,
                    Password: options.Auth == AuthMode.Password ? options.MigratorPassword : null,
                    PasswordSource: options.Auth == AuthMode.Password ? new(Passwords.PasswordOrigin.Environment, "MIGRATOR_PASSWORD") : null),
                new RoleSpec(options.AppUser, Login: true, options.Auth, searchPath, [new GrantSpec(options.Schema, options.AppProfile)], [], connect,
                    Password: options.Auth == AuthMode.Password ? options.AppPassword : null,
                    PasswordSource: options.Auth == AuthMode.Password ? new(Passwords.PasswordOrigin.Environment, "APP_PASSWORD") : null),
            ],
            []);
        // One app role: auto keeps its grant direct, so the default plan is the same as before group roles existed.
        state = GroupRoles.Apply(state, options.GrantMode, null, (_, message) => problems.Add(message));
        if (problems.Count > 0) throw new ConfigException(problems);
        return state;
    }
}
