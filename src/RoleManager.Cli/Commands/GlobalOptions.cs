using System.CommandLine;
using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Model;

namespace RoleManager.Cli.Commands;

/// <summary>The options every command shares, and their resolution into a layout and a connection.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Config { get; } = new("--config", "-c") { Description = "YAML (or JSON) layout file. Without it, the default layout (migrator + app) is built from names." };
    public Option<string?> Connection { get; } = new("--connection") { Description = "Connection string: 'Host=...;Username=...;Database=...' or postgresql://user@host:port/db. Prefer PGPASSWORD for the password." };
    public Option<string?> Host { get; } = new("--host", "-h") { Description = "Database host (PGHOST, DB_HOST; default localhost)." };
    public Option<int?> Port { get; } = new("--port", "-p") { Description = "Database port (PGPORT, DB_PORT; default 5432)." };
    public Option<string?> Username { get; } = new("--username", "-U") { Description = "Master user to connect as (PGUSER, DB_USER)." };
    public Option<string?> DbName { get; } = new("--dbname", "-d") { Description = "Database to manage (PGDATABASE, DB_NAME)." };
    public Option<string?> SslMode { get; } = new("--sslmode") { Description = "verify-full (default, against the shipped RDS CA bundle), prefer, or disable (local only) (PGSSLMODE)." };
    public Option<string?> SslRootCert { get; } = new("--sslrootcert") { Description = "Root certificate(s) for verify-full (PGSSLROOTCERT; default: the RDS CA bundle beside the program)." };
    public Option<string?> Schema { get; } = new("--schema") { Description = "Default layout: the application schema (DB_SCHEMA; default app)." };
    public Option<string?> AppUser { get; } = new("--app-user") { Description = "Default layout: the application role (APP_USER; default app)." };
    public Option<string?> MigratorUser { get; } = new("--migrator-user") { Description = "Default layout: the migrations role (MIGRATOR_USER; default migrator)." };
    public Option<string?> Auth { get; } = new("--auth") { Description = "How login roles authenticate: iam (default; RDS IAM via rds_iam), password (APP_PASSWORD / MIGRATOR_PASSWORD, or password_env in the config) or none." };
    public Option<string?> AppProfile { get; } = new("--app-profile") { Description = "Default layout: the app role's privileges: readwrite (default), readonly, or all (parity with the reference implementation)." };
    public Option<string> Output { get; } = new("--output", "-o") { Description = "text (default) or json.", DefaultValueFactory = _ => "text" };

    public GlobalOptions()
    {
        Output.AcceptOnlyFromAmong("text", "json");
        Auth.AcceptOnlyFromAmong("iam", "password", "none");
        AppProfile.AcceptOnlyFromAmong("readwrite", "readonly", "all");
        SslMode.AcceptOnlyFromAmong("verify-full", "prefer", "require", "disable");
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Config, Connection, Host, Port, Username, DbName, SslMode, SslRootCert, Schema, AppUser, MigratorUser, Auth, AppProfile, Output })
            command.Options.Add(option);
    }

    public bool Json(ParseResult result) => result.GetValue(Output) == "json";

    /// <summary>Resolves the layout first (no connection if it is invalid), then the connection.</summary>
    public (DesiredState Desired, ConnectionSettings Connection) Resolve(ParseResult result, Func<string, string?> environment)
    {
        var inputs = new ConnectionInputs(result.GetValue(Connection), result.GetValue(Host), result.GetValue(Port),
            result.GetValue(Username), result.GetValue(DbName), result.GetValue(SslMode), result.GetValue(SslRootCert));
        var connection = ConnectionResolver.Resolve(inputs, environment);
        var desired = LayoutSource.Resolve(new LayoutInputs(
            result.GetValue(Config), null, null, result.GetValue(Schema), result.GetValue(AppUser), result.GetValue(MigratorUser),
            result.GetValue(Auth) is { } auth ? ConfigLoader.ParseAuth(auth) : null,
            result.GetValue(AppProfile) is { } profile ? ConfigLoader.ParseProfile(profile) : null), environment, connection.Database);
        return (desired, connection);
    }

    /// <summary>
    /// The master password: PGPASSWORD (or the connection string), else the RDS-managed secret named by
    /// DB_PASSWORD_SECRET_ARN, fetched with the AWS credentials in the environment.
    /// </summary>
    public static async Task<ConnectionSettings> WithMasterPasswordAsync(ConnectionSettings settings, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (settings.Password is not null) return settings;
        string? secretArn = environment("DB_PASSWORD_SECRET_ARN");
        if (string.IsNullOrEmpty(secretArn)) return settings;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var client = SecretsManagerClient.FromEnvironment(http, AwsEnvironment.From(environment));
        var credentials = MasterCredentials.Parse(await client.GetSecretValueAsync(secretArn, cancellationToken), secretArn);
        return settings with { Password = credentials.Password, Username = environment("PGUSER") ?? environment("DB_USER") ?? credentials.Username };
    }

    public static TimeSpan ParseDuration(string text, string option)
    {
        text = text.Trim();
        double factor = 1;
        if (text.EndsWith("ms", StringComparison.Ordinal)) { factor = 0.001; text = text[..^2]; }
        else if (text.EndsWith('s')) text = text[..^1];
        else if (text.EndsWith('m')) { factor = 60; text = text[..^1]; }
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value) && value > 0)
            return TimeSpan.FromSeconds(value * factor);
        throw new ConfigException($"{option} '{text}' is not a duration: use e.g. 500ms, 10s or 5m.");
    }

    public static ExecutionOptions Execution(string lockTimeout, string statementTimeout) =>
        new(ParseDuration(lockTimeout, "--lock-timeout"), ParseDuration(statementTimeout, "--statement-timeout"));
}
