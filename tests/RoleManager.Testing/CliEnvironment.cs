namespace RoleManager.Testing;

/// <summary>Environments for running the CLI against a test database.</summary>
public static class CliEnvironment
{
    /// <summary>The master user's environment for a test database (libpq variables, no TLS on loopback) and every role password the layouts read.</summary>
    public static Dictionary<string, string?> Master(TestDatabase db) => new()
    {
        ["PGHOST"] = "127.0.0.1", ["PGPORT"] = db.Server.Port.ToString(), ["PGUSER"] = PostgresServer.MasterUser,
        ["PGDATABASE"] = db.Name, ["PGPASSWORD"] = db.Server.MasterPassword, ["PGSSLMODE"] = "disable",
        ["APP_USER"] = db.App, ["MIGRATOR_USER"] = db.Migrator,
        ["APP_PASSWORD"] = db.AppPassword, ["MIGRATOR_PASSWORD"] = db.MigratorPassword, ["REPORTING_PASSWORD"] = db.ReportingPassword,
    };
}
