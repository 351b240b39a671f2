using RoleManager.Check;
using RoleManager.Config;
using RoleManager.Connect;
using RoleManager.Execute;

namespace RoleManager.UseCases;

/// <summary>
/// Everything one run needs, as both hosts build it from their inputs (flags and variables; an event and
/// variables). Resolution happens in <see cref="RoleManagerRun"/>, once, with one precedence.
/// </summary>
/// <param name="Action">What to do.</param>
/// <param name="DryRun">Apply only: execute every statement, then roll back.</param>
/// <param name="Layout">Where the desired state comes from (config file or text, or default-layout names).</param>
/// <param name="Connection">Connection values given explicitly (flags); they win over every variable and the secret.</param>
/// <param name="Environment">The process environment (PG*, DB_*, *_PASSWORD, ...).</param>
/// <param name="Execution">Timeouts of the run's transactions.</param>
/// <param name="MasterSecret">The master secret, used when no password is given (PGPASSWORD or the connection string).</param>
/// <param name="LoginCredentials">How the check logs in as each declared role.</param>
public sealed record RunRequest(
    RunAction Action,
    bool DryRun,
    LayoutInputs Layout,
    ConnectionInputs Connection,
    Func<string, string?> Environment,
    ExecutionOptions Execution,
    IMasterCredentialSource? MasterSecret = null,
    ILoginCredentials? LoginCredentials = null)
{
    /// <summary>The <c>application_name</c> the server shows for our sessions.</summary>
    public string ApplicationName { get; init; } = "role-manager";

    /// <summary>How long to wait for a connection; the Lambda shortens it near the invocation's deadline.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>
    /// How long the master's first connection keeps being tried while the server does not answer in time (a paused Aurora
    /// Serverless v2 cluster resumes on a connection attempt, usually within ~15 s, longer after a day paused): the CLI's
    /// default; the Lambda uses what is left of the invocation.
    /// </summary>
    public TimeSpan ConnectPatience { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Called with every secret the run reads (master password, role passwords) so a host can mask it in its logs.</summary>
    public Action<Secret>? SecretRead { get; init; }

    /// <summary>
    /// The connection the host already resolved from <see cref="Connection"/> and <see cref="Environment"/> under
    /// <see cref="Host"/>'s policy (the Lambda does, for its event gate), so that the run uses that one resolution instead
    /// of making a second; null: <see cref="TargetResolver"/> resolves it.
    /// </summary>
    public ConnectionSettings? ResolvedConnection { get; init; }

    /// <summary>Which host's connection policy applies (the Lambda's: DB_* win over PG*, TLS never below verify-full without opt-in).</summary>
    public HostKind Host { get; init; } = HostKind.Cli;

    /// <summary>
    /// The environment the layout is resolved with (password_env, DB_SCHEMA, APP_USER, ...); null means <see cref="Environment"/>.
    /// An event-supplied layout gets an empty one, so it can neither read nor probe the function's variables.
    /// </summary>
    public Func<string, string?>? LayoutEnvironment { get; init; }

    /// <summary>Makes the Secrets Manager source for roles with <c>password_secret</c>; called only when a role names one.</summary>
    public Func<Passwords.IRolePasswordSource>? RolePasswordSecrets { get; init; }

    /// <summary>
    /// With a cluster config, the one database to run on (the Lambda event's <c>database</c>); null runs on every declared
    /// database. With a one-database layout it must name that database.
    /// </summary>
    public string? OnlyDatabase { get; init; }

    /// <summary>With a cluster config, how many databases are inspected, planned, applied or checked at once.</summary>
    public int DatabasesAtOnce { get; init; } = 4;

    /// <summary>How many times an apply is tried when a concurrent run on another database of the cluster got there first.</summary>
    public int ConflictAttempts { get; init; } = 5;
}
