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
    /// <summary>One database's target; a cluster config is an error here (<see cref="ResolveAll"/> resolves it).</summary>
    public static ResolvedTarget Resolve(RunRequest request)
    {
        var all = ResolveAll(request);
        return all.IsCluster
            ? throw new ConfigException("This command works on one database's layout; the config declares a cluster (databases:).")
            : all.Targets[0];
    }

    /// <summary>
    /// Every database the run covers. A one-database layout: that database, as always. A cluster config: each database
    /// it declares, in its order, or only the one chosen by <see cref="RunRequest.OnlyDatabase"/>, <c>--dbname</c> or the
    /// connection string (PGDATABASE and DB_NAME do not choose: the config names the databases).
    /// </summary>
    public static ResolvedTargets ResolveAll(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var environment = request.Environment;
        var connection = request.ResolvedConnection ?? ConnectionResolver.Resolve(request.Connection, environment, host: request.Host);
        var layout = LayoutSource.ResolveLayout(request.Layout, request.LayoutEnvironment ?? environment, connection.Database);
        if (request.ConnectTimeout is { } timeout) connection = connection with { ConnectTimeout = timeout };
        // The connection was resolved once, with where each value came from: a default username gives way to the master
        // secret's, a default database to the config's.
        bool usernameNamed = connection.UsernameSource != ValueSource.Default;
        if (!layout.IsCluster)
        {
            var one = One(request, connection, layout.Databases[0], usernameNamed);
            if (request.OnlyDatabase is { } only && only != one.Desired.Database)
                throw new ConfigException($"Database \"{only}\" was asked for, but the layout is for database \"{one.Desired.Database}\" only.");
            return new ResolvedTargets([one], IsCluster: false);
        }
        // A flag or the connection string chooses one database of a cluster config; a variable does not (the config names them).
        string? chosen = request.OnlyDatabase ?? (connection.DatabaseSource is ValueSource.Explicit or ValueSource.ConnectionString ? connection.Database : null);
        if (chosen is not null && layout.Find(chosen) is null)
            throw new ConfigException($"Database \"{chosen}\" is not one of the config's databases ({string.Join(", ", layout.Names)}): name one of them, or none to run on all.");
        var targets = layout.Databases.Where(d => chosen is null || d.Database == chosen)
            .Select(d => new ResolvedTarget(d, connection with { Database = d.Database, DatabaseOrigin = "the cluster config's databases" }, usernameNamed))
            .ToList();
        return new ResolvedTargets(targets, IsCluster: true);
    }

    private static ResolvedTarget One(RunRequest request, ConnectionSettings connection, Model.DesiredState desired, bool usernameNamed)
    {
        if (connection.DatabaseSource == ValueSource.Default)
            connection = connection with { Database = desired.Database };
        else if (!string.Equals(connection.Database, desired.Database, StringComparison.Ordinal))
            throw new ConfigException(
                $"The layout is for database \"{desired.Database}\" but the connection names database \"{connection.Database}\" " +
                "(--dbname, the connection string, PGDATABASE or DB_NAME). Make them the same, or leave the connection's database unset to use the layout's.");

        return new ResolvedTarget(desired, connection, usernameNamed);
    }
}
