using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// Settings made on the database itself (<c>ALTER DATABASE … SET</c>, for every role) reach every declared role's
/// sessions. The one that takes away what the configuration grants is <c>default_transaction_read_only = on</c>: no
/// declared role can write, so it is drift, reset by apply where the master owns the database (or is a superuser), a
/// finding naming the reset otherwise. Others (timeouts, search_path, role) are the application's business: the
/// tool's own sessions override them in their startup packet (<see cref="Connect.NpgsqlConnectionFactory.MasterSession"/>),
/// and a role's own search_path is set per role in this database, which outranks the database's.
/// </summary>
internal static class DatabaseSettingsPlanner
{
    private const string ReadOnly = "default_transaction_read_only";

    public static void Plan(PlanContext context)
    {
        var server = context.Current.Server;
        if (server.DatabaseReadOnly is not { } value || !SettingValues.IsTrue(value)) return;
        string database = context.Desired.Database;
        string sql = $"ALTER DATABASE {Ident.Quote(database)} RESET {ReadOnly}";
        string why = $"{ReadOnly} = {value} on database {database} makes every declared role's sessions read-only, so none can write what it is granted";
        if (server.CurrentUserIsSuperuser || string.Equals(server.DatabaseOwner, server.CurrentUser, StringComparison.Ordinal))
            context.Builder.Add(Phase.Database, new Change(ChangeKind.AlterDatabase, $"reset {ReadOnly} of database {database} (was {value}: {why})", sql)
                { Log = new(Object: $"database {database}") });
        else
            context.Builder.AddFinding(new Finding($"database {database}",
                $"{why}; only its owner {server.DatabaseOwner} (or a superuser) may reset it", sql));
    }
}
