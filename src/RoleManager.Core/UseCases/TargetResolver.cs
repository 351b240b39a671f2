using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Errors;

namespace RoleManager.UseCases;

/// <summary>
/// The one resolution of layout and connection both hosts use. Precedence, highest first:
/// <list type="number">
/// <item>an explicit value (a CLI flag such as <c>--username</c>, <c>--dbname</c>);</item>
/// <item>the connection string (<c>--connection</c>);</item>
/// <item>the variables, in the order <see cref="ConnectionResolver"/> reads them (<c>PG*</c> then <c>DB_*</c>; the Lambda's policy puts <c>DB_*</c> first);</item>
/// <item>for the master user: the username in the master secret; for the database: the config's <c>database:</c>;</item>
/// <item>defaults (localhost, 5432, the OS user).</item>
/// </list>
/// When a flag or variable names a database and the config's <c>database:</c> names another, that is an error.
/// </summary>
public static class TargetResolver
{
    // A value no real variable holds: lets us ask the resolver whether anything above the variables named a value.
    private const string Unset = "\u0001unset";

    public static ResolvedTarget Resolve(RunRequest request)
    {
        var environment = request.Environment;
        var connection = request.ResolvedConnection ?? ConnectionResolver.Resolve(request.Connection, environment, host: request.Host);
        var desired = LayoutSource.Resolve(request.Layout, request.LayoutEnvironment ?? environment, connection.Database);

        bool databaseNamed = Named(request, "PGDATABASE", "DB_NAME", s => s.Database);
        if (!databaseNamed)
            connection = connection with { Database = desired.Database };
        else if (!string.Equals(connection.Database, desired.Database, StringComparison.Ordinal))
            throw new ConfigException(
                $"The layout is for database \"{desired.Database}\" but the connection names database \"{connection.Database}\" " +
                "(--dbname, the connection string, PGDATABASE or DB_NAME). Make them the same, or leave the connection's database unset to use the layout's.");

        if (request.ConnectTimeout is { } timeout) connection = connection with { ConnectTimeout = timeout };
        bool usernameNamed = Named(request, "PGUSER", "DB_USER", s => s.Username);
        return new ResolvedTarget(desired, connection, usernameNamed);
    }

    /// <summary>Whether a flag, the connection string or one of the variables gives the value (rather than a default).</summary>
    private static bool Named(RunRequest request, string libpqVariable, string moduleVariable, Func<ConnectionSettings, string> value)
    {
        var environment = request.Environment;
        if (!string.IsNullOrEmpty(environment(libpqVariable)) || !string.IsNullOrEmpty(environment(moduleVariable))) return true;
        var probe = ConnectionResolver.Resolve(request.Connection, name => name == libpqVariable ? Unset : name == moduleVariable ? null : environment(name), host: request.Host);
        return value(probe) != Unset;
    }
}
