using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Passwords;
using RoleManager.Planning;
using RoleManager.Sql;

namespace RoleManager.Check;

/// <summary>
/// Proves that each declared role can do what it should and nothing more, and that the database has not
/// drifted. Two kinds of probe:
/// <list type="bullet">
/// <item>real logins as each login role (password, IAM token or trust): the login works, the search_path is
/// as declared, and creating in <c>public</c> is refused — each in a transaction that is rolled back;</item>
/// <item>one master transaction, always rolled back, in which the master acts (SET ROLE) as each role: the
/// schema owner creates, alters and drops probe objects, the others use them or are refused (SQLSTATE 42501).</item>
/// </list>
/// Nothing is ever committed, so a check that fails midway leaves nothing behind.
/// <para>
/// Costs grow linearly with roles × grants (issue 19: 1,000 login roles): the logins run on a bounded pool of
/// connections; the behaviour probes (SET ROLE) run once per equivalence class of roles (the same declared
/// privileges on the schema, groups and attributes) with its first role as the representative, so only
/// representatives need a temporary membership; the server's own view (<see cref="EffectivePrivilegeProbe"/>)
/// still covers every role, one query per class. Every role keeps its own login, search_path, public and
/// "exactly what is declared" assertions, so a drift on one role among thousands is named.
/// </para>
/// <para>In three files: this one (the entry point and the helpers both kinds share), <c>Checker.Logins.cs</c> and
/// <c>Checker.Privileges.cs</c>.</para>
/// </summary>
public sealed partial class Checker(IConnectionFactory connections, ILoginCredentials credentials, ConnectionSettings target,
    ExecutionOptions? options = null, ILogger? logger = null)
{
    private const string InsufficientPrivilege = PostgresErrorCodes.InsufficientPrivilege;

    /// <summary>
    /// Logins at once: each waits mostly on the server (fork, SCRAM), so a few per core keep the machine busy; the bound
    /// keeps well inside max_connections (RDS small instances allow ~80) next to the application's own pool.
    /// </summary>
    internal static int LoginParallelism => Math.Min(16, 4 * Environment.ProcessorCount);

    /// <summary>
    /// The master's session to probe in, already open (the engine's, after its plan): a check then logs in as the master
    /// once. Null: the checker opens its own.
    /// </summary>
    public Npgsql.NpgsqlConnection? Master { get; init; }

    private readonly ExecutionOptions _options = options ?? ExecutionOptions.Default;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly SemaphoreSlim _credentialsGate = new(1, 1);
    /// <summary>Time spent in the logins and in the sessions after them, summed over the pool (the debug log's breakdown).</summary>
    private long _loginTicks, _sessionTicks;

    public async Task<CheckResult> CheckAsync(DesiredState desired, Plan pendingChanges, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var findings = pendingChanges.Findings.IsDefault ? [] : pendingChanges.Findings;
        var unmanaged = pendingChanges.Unmanaged.IsDefault ? [] : pendingChanges.Unmanaged;
        var assertions = new List<Assertion>
        {
            new("*", "database matches the configuration (plan is empty)", pendingChanges.IsEmpty,
                (pendingChanges.IsEmpty ? "no pending changes" : $"{pendingChanges.Changes.Length} pending: " + string.Join("; ", pendingChanges.Changes.Take(10).Select(c => c.Description)))
                + (findings.IsEmpty ? "" : $"; {findings.Length} finding(s): " + string.Join("; ", findings.Select(f => $"{f.Subject}: {f.Problem}")))),
        };
        // A declared administrator the plan leaves alone fails as itself, with both ways out; nothing is probed as it
        // (acting as an administrator, or as a superuser the master may not become, is not the check's to do).
        foreach (var role in unmanaged)
            assertions.Add(new(role, "is not an administrator the configuration does not declare", false,
                string.Join("; ", findings.Where(f => f.Subject == $"role {role}").Select(f => $"{f.Problem}: {f.FixSql}"))));
        // A finding is a difference the master cannot fix: the database is not as declared until a superuser acts.
        var others = findings.Where(f => !unmanaged.Any(role => f.Subject == $"role {role}")).ToList();
        if (others.Count > 0)
            assertions.Add(new("*", "nothing needs a superuser (no findings)", false,
                string.Join("; ", others.Select(f => $"{f.Subject}: run {f.FixSql}"))));
        desired = new Refusals(unmanaged, []).Without(desired);
        // The logins and the master's probes use separate connections: run them side by side, report in a fixed order.
        // A login role declared without CONNECT here (a cluster config's role that another database uses) is proven
        // unable to connect (CheckPrivilegesAsync), not logged in.
        var logins = CheckLoginsAsync(desired.PresentRoles.Where(r => r.Login && r.DatabasePrivileges.Contains(DatabasePrivilege.Connect)).ToList(), cancellationToken);
        var privileges = new List<Assertion>();
        var probing = CheckPrivilegesAsync(desired, privileges, cancellationToken);
        await Task.WhenAll(logins, probing);
        assertions.AddRange(await logins);
        assertions.AddRange(privileges);
        return new CheckResult(assertions, clock.Elapsed);
    }

    /// <summary>What a probe proved: allowed (<paramref name="error"/> null) or refused; an expected refusal must be SQLSTATE 42501 exactly.</summary>
    private static (bool Ok, string Detail) Outcome(bool expectRefusal, PostgresException? error) => error switch
    {
        null => expectRefusal ? (false, "was allowed, but must be refused") : (true, "allowed"),
        { SqlState: InsufficientPrivilege } when expectRefusal => (true, $"refused ({error.SqlState})"),
        _ => (false, $"{(expectRefusal ? "failed with" : "refused:")} {error.SqlState}: {error.MessageText}"),
    };

    /// <summary>The first column of every row of <paramref name="sql"/> (a <c>Check/Queries</c> file), run with <paramref name="values"/> as $1, $2, ….</summary>
    /// <summary>The names a one-column query returns (which roles or schemas exist, …); the engine asks it too (which password roles exist).</summary>
    internal static async Task<HashSet<string>> ExistingAsync(NpgsqlConnection connection, string sql, object[] values, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, values);
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found.Add(reader.GetString(0));
        return found;
    }

    private static Task SetRoleAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken) =>
        ExecAsync(connection, $"SET ROLE {Ident.Quote(role)}", cancellationToken);

    private static string ProbeName(string kind) => $"rm_check_{kind}_{Guid.NewGuid():N}"[..32];

    private static string Describe(AuthMode auth) => auth switch
    {
        AuthMode.Iam => "IAM token",
        AuthMode.Password => "password",
        _ => "no password",
    };

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql, object[] values, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, values);
        return (await command.ExecuteScalarAsync(cancellationToken))?.ToString() ?? "";
    }

    /// <summary>Not <c>params</c>: a <c>string[]</c> passed as one would become the list of parameters itself (array covariance).</summary>
    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
