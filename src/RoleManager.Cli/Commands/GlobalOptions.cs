using System.CommandLine;
using System.CommandLine.Parsing;
using RoleManager.Config;
using RoleManager.Connect;

namespace RoleManager.Cli.Commands;

/// <summary>The options every command shares, and how they become the connection and layout inputs of a run.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Config { get; } = new("--config", "-c") { Description = "YAML (or JSON) layout file. Without it, the default layout (migrator + app) is built from names." };
    public Option<string?> Connection { get; } = new("--connection") { Description = "Connection string: 'Host=...;Username=...;Database=...' or postgresql://user@host:port/db. Prefer PGPASSWORD for the password." };
    public Option<string?> Host { get; } = new("--host", "-h") { Description = "Database host (PGHOST, DB_HOST; default localhost)." };
    public Option<int?> Port { get; } = new("--port", "-p") { Description = "Database port (PGPORT, DB_PORT; default 5432).", CustomParser = ParsePort };
    public Option<string?> Username { get; } = new("--username", "-U") { Description = "Master user to connect as; wins over PGUSER, DB_USER and the master secret's username." };
    public Option<string?> DbName { get; } = new("--dbname", "-d") { Description = "Database to manage (PGDATABASE, DB_NAME; default: the config's database). With a cluster config (databases:), the one database to run on; without it, every database the config declares." };
    public Option<string?> SslMode { get; } = new("--sslmode") { Description = "TLS, with libpq's six meanings (PGSSLMODE): verify-full (default, against the RDS CA bundle built in), verify-ca, require, prefer, allow, or disable (local only)." };
    public Option<string?> SslRootCert { get; } = new("--sslrootcert") { Description = "Root certificate(s) for verify-full: a PEM file, or 'system' for the machine's CA store (PGSSLROOTCERT; default: the RDS CA bundle built into the program)." };
    public Option<string?> Schema { get; } = new("--schema") { Description = "Default layout: the application schema (DB_SCHEMA; default app)." };
    public Option<string?> AppUser { get; } = new("--app-user") { Description = "Default layout: the application role (APP_USER; default app)." };
    public Option<string?> MigratorUser { get; } = new("--migrator-user") { Description = "Default layout: the migrations role (MIGRATOR_USER; default migrator)." };
    public Option<string?> Auth { get; } = new("--auth") { Description = "How login roles authenticate: iam (default; RDS IAM via rds_iam), password (APP_PASSWORD / MIGRATOR_PASSWORD, or password_env in the config) or none." };
    public Option<string?> AppProfile { get; } = new("--app-profile") { Description = "Default layout: the app role's privileges: readwrite (default), readonly, or all (parity with the reference implementation)." };
    public Option<string> Output { get; } = new("--output", "-o") { Description = "text (default) or json.", DefaultValueFactory = _ => "text" };
    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress on standard error (apply shows its steps there when it is a terminal); errors still print." };

    public GlobalOptions()
    {
        Output.AcceptOnlyFromAmong("text", "json");
        Auth.AcceptOnlyFromAmong("iam", "password", "none");
        AppProfile.AcceptOnlyFromAmong("readwrite", "readonly", "all");
        SslMode.AcceptOnlyFromAmong([.. TlsModes.Names]);
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Config, Connection, Host, Port, Username, DbName, SslMode, SslRootCert, Schema, AppUser, MigratorUser, Auth, AppProfile, Output, Quiet })
            command.Options.Add(option);
    }

    public bool Json(ParseResult result) => result.GetValue(Output) == "json";

    /// <summary>Whether a flag names the database (--dbname, or --connection's): with a cluster config, it chooses one.</summary>
    public bool ChoosesDatabase(ParseResult result) => result.GetValue(DbName) is not null || result.GetValue(Connection) is not null;

    public ConnectionInputs ConnectionInputs(ParseResult result) => new(result.GetValue(Connection), result.GetValue(Host), result.GetValue(Port),
        result.GetValue(Username), result.GetValue(DbName), result.GetValue(SslMode), result.GetValue(SslRootCert));

    public LayoutInputs LayoutInputs(ParseResult result) => new(
        result.GetValue(Config), null, null, result.GetValue(Schema), result.GetValue(AppUser), result.GetValue(MigratorUser),
        result.GetValue(Auth) is { } auth ? ConfigLoader.ParseAuth(auth) : null,
        result.GetValue(AppProfile) is { } profile ? ConfigLoader.ParseProfile(profile) : null);

    // Without it, System.CommandLine says "Cannot parse argument 'abc' ... as expected type 'System.Nullable`1[System.Int32]'".
    private static int? ParsePort(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535)
            return port;
        result.AddError($"--port '{text}' is not a TCP port: give a number from 1 to 65535, e.g. --port 5432.");
        return null;
    }
}
