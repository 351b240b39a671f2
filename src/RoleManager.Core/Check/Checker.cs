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
/// </summary>
public sealed class Checker(IConnectionFactory connections, ILoginCredentials credentials, ConnectionSettings target,
    ExecutionOptions? options = null, ILogger? logger = null)
{
    private const string InsufficientPrivilege = PostgresErrorCodes.InsufficientPrivilege;

    /// <summary>
    /// Logins at once: each waits mostly on the server (fork, SCRAM), so a few per core keep the machine busy; the bound
    /// keeps well inside max_connections (RDS small instances allow ~80) next to the application's own pool.
    /// </summary>
    internal static int LoginParallelism => Math.Min(16, 4 * Environment.ProcessorCount);

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

    /// <summary>Logs in as each role on a bounded pool; the assertions come back in the roles' declared order.</summary>
    private async Task<List<Assertion>> CheckLoginsAsync(List<RoleSpec> roles, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var perRole = new List<Assertion>[roles.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, roles.Count),
            new ParallelOptions { MaxDegreeOfParallelism = LoginParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var mine = new List<Assertion>(3);
                await CheckLoginAsync(roles[i], mine, token);
                perRole[i] = mine;
            });
        CheckLog.Logins(_logger, roles.Count, clock.Elapsed.TotalSeconds, LoginParallelism,
            Stopwatch.GetElapsedTime(0, _loginTicks).TotalSeconds, Stopwatch.GetElapsedTime(0, _sessionTicks).TotalSeconds);
        return perRole.SelectMany(a => a).ToList();
    }

    private async Task CheckLoginAsync(RoleSpec role, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        NpgsqlConnection connection;
        try
        {
            Secret? secret;
            // One at a time: a credentials source (an IAM token generator, the host's redaction list) need not be thread-safe.
            await _credentialsGate.WaitAsync(cancellationToken);
            try { secret = await credentials.GetAsync(role, target.Host, target.Port, cancellationToken); }
            finally { _credentialsGate.Release(); }
            connection = await connections.OpenAsAsync(role.Name, secret, cancellationToken);
        }
        catch (RoleManagerException ex)
        {
            assertions.Add(new(role.Name, $"logs in ({Describe(role.Auth)})", false, Refused(role, ex)));
            return;
        }
        finally
        {
            Interlocked.Add(ref _loginTicks, Stopwatch.GetTimestamp() - started);
        }
        started = Stopwatch.GetTimestamp();
        await using (connection)
        {
            assertions.Add(await ProvesLoginAsync(role, cancellationToken)
                ? new(role.Name, $"logs in ({Describe(role.Auth)})", true, $"connected as {role.Name}")
                : new(role.Name, $"logs in ({Describe(role.Auth)})", false, role.Auth == AuthMode.Iam
                    ? $"connected as {role.Name}, but {LoginProbe.TokenNotAsked}: {LoginProbe.TokenNotAskedHint}"
                    : $"connected as {role.Name}, but {LoginProbe.NotAsked}: {LoginProbe.NotAskedHint}") { Unproven = true });
            await CheckSessionAsync(connection, role, assertions, cancellationToken);
        }
        Interlocked.Add(ref _sessionTicks, Stopwatch.GetTimestamp() - started);
    }

    /// <summary>
    /// Whether a login proved the role's credential: only where the server asks for it. The resolver already knows for a
    /// <c>password_env</c> role; otherwise one more login, with a value that must fail, tells. An IAM token is the same
    /// case: a server that trusts the role lets it in with any token (on RDS the bad value is refused through PAM, 28000,
    /// which is not "let in", so the token login counts as proven there).
    /// </summary>
    private async Task<bool> ProvesLoginAsync(RoleSpec role, CancellationToken cancellationToken) => role.Auth switch
    {
        AuthMode.Password => (role.PasswordSource?.ServerAsks ?? await LoginProbe.ServerAsksForPasswordAsync(connections, role.Name, cancellationToken)) != false,
        AuthMode.Iam => await LoginProbe.ServerAsksForPasswordAsync(connections, role.Name, cancellationToken) != false,
        _ => true,
    };

    /// <summary>
    /// Why the role's login was refused, in the role's terms: a refused password is the role's (its source, which apply
    /// sets), a refused IAM token is the role's rds_iam membership or the token, never the master's password.
    /// </summary>
    private static string Refused(RoleSpec role, RoleManagerException ex)
    {
        if (!LoginProbe.IsPasswordRefused(ex)) return ex.Message;
        return role.Auth switch
        {
            AuthMode.Password => $"the server refused the password of {role.Name} (28P01): the role's password is not the one in " +
                                 $"{role.PasswordSource?.Describe() ?? "the configuration"}; apply sets it",
            AuthMode.Iam => $"the server refused the IAM token of {role.Name} (28P01): check that {role.Name} is a member of rds_iam and that the " +
                            "token was made for this user, host and region",
            _ => $"the server asked {role.Name} for a password (28P01), but the role has auth: none: allow it in pg_hba.conf (trust) or declare auth: password",
        };
    }

    /// <summary>
    /// The role's own session in one round trip and a rollback (at 1,000 roles every round trip counts): BEGIN, the
    /// timeouts, <c>SHOW search_path</c> and, last, the CREATE in <c>public</c> that must be refused. The CREATE comes last
    /// because an error skips the rest of a batch, and so an error that comes after the SHOW's row is the CREATE's; the
    /// aborted transaction is rolled back whole, so no savepoint is needed.
    /// </summary>
    private async Task CheckSessionAsync(NpgsqlConnection connection, RoleSpec role, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        // The one transaction owner: its settings (timeouts, no JIT) go first in the role's batch; no advisory lock, and no
        // begin/rollback lines in the log for each of a thousand roles.
        await using var transaction = await PlanTransaction.StartAsync(connection, _options, TransactionMode.AlwaysRollback, logger: null, cancellationToken, serialise: false);
        var (searchPath, refusal) = await transaction.FirstBatchAsync(async prelude =>
        {
            await using var batch = new NpgsqlBatch(connection, transaction.Transaction);
            foreach (var command in prelude.Commands) batch.BatchCommands.Add(command);
            batch.BatchCommands.Add(new("SHOW search_path"));
            batch.BatchCommands.Add(new($"CREATE TABLE public.{Ident.Quote(ProbeName("public"))} (id int)"));
            string? shown = null;
            PostgresException? refused = null;
            // The reader skips the SETs' empty results: it starts on the SHOW's row.
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await prelude.SkipAsync(reader, cancellationToken);
            if (await reader.ReadAsync(cancellationToken)) shown = reader.GetString(0);
            try
            {
                while (await reader.NextResultAsync(cancellationToken)) { }
            }
            catch (PostgresException ex) when (shown is not null)
            {
                refused = ex;
            }
            return (shown, refused);
        }, cancellationToken);
        // The session's own search_path: the one the config writes for this database outranks the cluster-wide one, so this
        // is what the plan manages. An empty list declares no search_path here (the session then has another's: not ours).
        if (role.SearchPath is { IsEmpty: false } wanted)
        {
            bool same = Ident.ParseIdentifierList(searchPath ?? "").SequenceEqual(wanted, StringComparer.Ordinal);
            assertions.Add(new(role.Name, $"search_path is {string.Join(", ", wanted)}", same, $"search_path = {searchPath}"));
        }
        var (ok, detail) = Outcome(expectRefusal: true, refusal);
        assertions.Add(new(role.Name, "cannot create in schema public", ok, detail));
        await transaction.FinishAsync(cancellationToken);
    }

    private async Task CheckPrivilegesAsync(DesiredState desired, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var serverView = TimeSpan.Zero;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await PlanTransaction.BeginAsync(connection, _options, TransactionMode.AlwaysRollback, _logger, cancellationToken, serialise: false);
        // PlanTransaction turns JIT off: the server's view of 1,000 roles is a query the planner costs high enough to
        // JIT-compile (~0.5 s of compiling for a query that then runs in ~0.3 s).

        bool publicConnect = await ScalarAsync(connection, $"SELECT has_database_privilege('public', {Ident.Literal(desired.Database)}, 'CONNECT')::text", cancellationToken) == "true";
        assertions.Add(new("PUBLIC", $"cannot connect to database {desired.Database}", !publicConnect,
            publicConnect ? "PUBLIC holds CONNECT on the database" : "PUBLIC has no CONNECT"));
        foreach (var role in desired.PresentRoles.Where(r => r.Login && !r.DatabasePrivileges.Contains(DatabasePrivilege.Connect)))
        {
            bool connects = await ScalarAsync(connection, $"SELECT coalesce(has_database_privilege(r.oid, {Ident.Literal(desired.Database)}, 'CONNECT'), false)::text FROM pg_roles r WHERE r.rolname = {Ident.Literal(role.Name)}", cancellationToken) == "true";
            assertions.Add(new(role.Name, $"cannot connect to database {desired.Database}", !connects,
                connects ? "it holds CONNECT (directly, through a membership or PUBLIC), which this database does not declare" : "no CONNECT, as declared"));
        }

        // Before the first apply the roles or schemas do not exist yet: each is a failed assertion, not an error.
        var existing = await ExistingAsync(connection, "SELECT rolname::text FROM pg_roles WHERE rolname = ANY($1)",
            desired.PresentRoles.Select(r => r.Name).ToArray(), cancellationToken);
        var schemas = await ExistingAsync(connection, "SELECT nspname::text FROM pg_namespace WHERE nspname = ANY($1)",
            desired.Schemas.Select(s => s.Name).ToArray(), cancellationToken);
        foreach (var role in desired.PresentRoles.Where(r => !existing.Contains(r.Name)))
            assertions.Add(new(role.Name, "exists", false, $"role {role.Name} does not exist: run apply"));
        foreach (var schema in desired.Schemas.Where(s => !schemas.Contains(s.Name)))
            assertions.Add(new("*", $"schema {schema.Name} exists", false, $"schema {schema.Name} does not exist: run apply"));

        int version = int.Parse(await ScalarAsync(connection, "SHOW server_version_num", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var present = desired.PresentRoles.Where(r => existing.Contains(r.Name)).ToList();
        await MembershipProbe.CheckAsync(connection, present, version, assertions, cancellationToken);
        var probed = desired.Schemas.Where(s => schemas.Contains(s.Name) && existing.Contains(s.Owner))
            .Select(schema => (Schema: schema, Classes: EquivalenceClasses(desired, present.Where(r => !PrivilegeModel.OwnsSchema(desired, r.Name, schema)), schema, version)))
            .ToList();
        // Only the roles the master will SET ROLE to: the schema owners and one representative per class.
        var actors = probed.SelectMany(p => p.Classes.Select(c => c[0].Name).Prepend(p.Schema.Owner)).Distinct(StringComparer.Ordinal).ToArray();
        var unable = await BecomeAbleToActAsync(connection, actors, version, cancellationToken);
        foreach (var role in unable)
            assertions.Add(new(role, "can be acted as by the master user for the probes", false,
                $"the master user holds no ADMIN OPTION on {role}, which PostgreSQL 16+ needs to act as it (plan names what it blocks): " +
                $"a superuser gives it back with GRANT {Ident.Quote(role)} TO {Ident.Quote(target.Username)} WITH ADMIN OPTION"));
        foreach (var (schema, classes) in probed)
        {
            // The server's own view below still covers every role; only the SET ROLE probes need the master to act as one.
            var probes = unable.Contains(schema.Owner) ? new Probes("", "", "", Ready: false)
                : await CheckOwnerAsync(connection, schema, assertions, cancellationToken);
            foreach (var members in classes.Where(c => !unable.Contains(c[0].Name) && probes.Ready))
                await CheckGranteeAsync(connection, desired, members, schema, probes, version, assertions, cancellationToken);
            // Every object already there, the probes included, through every source the server counts: every role, one query per class.
            var truth = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            long started = Stopwatch.GetTimestamp();
            foreach (var group in present.GroupBy(r => EffectivePrivilegeProbe.ExpectationOf(desired, r.Name, schema, version)))
                foreach (var (role, differences) in await EffectivePrivilegeProbe.DifferencesAsync(connection, group.Key, group.Select(r => r.Name).ToArray(), schema, cancellationToken))
                    truth[role] = differences;
            serverView += Stopwatch.GetElapsedTime(started);
            foreach (var role in present)
            {
                var differences = truth.GetValueOrDefault(role.Name) ?? [];
                assertions.Add(new(role.Name, $"may do exactly what is declared on the objects of schema {schema.Name}", differences.Count == 0,
                    differences.Count == 0 ? "as declared" : string.Join("; ", differences)));
            }
        }
        await tx.FinishAsync(cancellationToken);
        CheckLog.MasterProbes(_logger, clock.Elapsed.TotalSeconds, serverView.TotalSeconds);
    }

    /// <summary>
    /// The roles grouped so that one SET ROLE probe speaks for all in a group: the same effective privileges on the
    /// schema's tables, sequences, routines and the schema itself, the same declared groups and attributes. Groups in
    /// order of their first role, roles in declared order, so the assertions are deterministic.
    /// </summary>
    internal static List<RoleSpec[]> EquivalenceClasses(DesiredState desired, IEnumerable<RoleSpec> roles, SchemaSpec schema, int version) =>
        roles.GroupBy(r => string.Join("|",
                (int)PrivilegeModel.Effective(desired, r.Name, schema, ObjectKind.Table, version),
                (int)PrivilegeModel.Effective(desired, r.Name, schema, ObjectKind.Sequence, version),
                (int)PrivilegeModel.Effective(desired, r.Name, schema, ObjectKind.Routine, version),
                (int)PrivilegeModel.EffectiveOnSchema(desired, r.Name, schema),
                r.Login, r.CreateDb, r.CreateRole,
                string.Join(",", PrivilegeModel.GroupsOf(desired, r.Name).Order(StringComparer.Ordinal))), StringComparer.Ordinal)
            .Select(g => g.ToArray()).ToList();

    private sealed record Probes(string Table, string Sequence, string Function, bool Ready);

    private static async Task<Probes> CheckOwnerAsync(NpgsqlConnection connection, SchemaSpec schema, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        string s = Ident.Quote(schema.Name);
        string owner = schema.Owner;
        await SetRoleAsync(connection, owner, cancellationToken);
        string t = $"{s}.{Ident.Quote(ProbeName("t"))}", q = $"{s}.{Ident.Quote(ProbeName("s"))}", f = $"{s}.{Ident.Quote(ProbeName("f"))}";

        await Expect(owner, $"creates, alters and drops a table in schema {schema.Name}",
            $"CREATE TABLE {t} (id int); ALTER TABLE {t} ADD COLUMN note text; DROP TABLE {t}");
        await Expect(owner, $"creates, alters and drops a sequence in schema {schema.Name}",
            $"CREATE SEQUENCE {q}; ALTER SEQUENCE {q} RESTART WITH 10; DROP SEQUENCE {q}");
        await Expect(owner, $"creates, alters and drops a function in schema {schema.Name}",
            $"CREATE FUNCTION {f}() RETURNS int LANGUAGE sql AS 'SELECT 1'; ALTER FUNCTION {f}() STABLE; DROP FUNCTION {f}()");

        // The objects the other roles will use, created by the owner so that default privileges apply.
        var (ready, detail) = await ProbeAsync(connection,
            $"CREATE TABLE {t} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text); CREATE SEQUENCE {q}; " +
            $"CREATE FUNCTION {f}() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT 1::bigint'", expectRefusal: false, cancellationToken);
        if (!ready) assertions.Add(new(owner, $"creates probe objects in schema {schema.Name}", false, detail));
        await ExecAsync(connection, "RESET ROLE", cancellationToken);
        return new Probes(t, q, f, ready);

        async Task Expect(string role, string name, string sql)
        {
            var (ok, d) = await ProbeAsync(connection, sql, expectRefusal: false, cancellationToken);
            assertions.Add(new(role, name, ok, d));
        }
    }

    /// <summary>Probes as the first of <paramref name="members"/>; the assertions name it and say whom else it stands for.</summary>
    private static async Task CheckGranteeAsync(NpgsqlConnection connection, DesiredState desired, RoleSpec[] members, SchemaSpec schema, Probes probes,
        int version, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        var role = members[0];
        string standsFor = members.Length == 1 ? ""
            : $" (also for {RolePlanner.Who(members.Skip(1).Select(m => m.Name).ToList())}: the same declared privileges)";
        // What the role may do through itself and its declared groups (alice with member_of: [readers] reads).
        var tables = PrivilegeModel.Effective(desired, role.Name, schema, ObjectKind.Table, version);
        bool execute = PrivilegeModel.Effective(desired, role.Name, schema, ObjectKind.Routine, version).HasFlag(Privilege.Execute);
        if (!probes.Ready && tables != Privilege.None) return;
        string s = schema.Name;
        await SetRoleAsync(connection, role.Name, cancellationToken);

        bool write = tables.HasFlag(Privilege.Insert);
        bool read = tables.HasFlag(Privilege.Select);
        if (read)
            await Check(true, $"selects from a table in schema {s}", $"SELECT count(*) FROM {probes.Table}");
        if (execute)
            await Check(true, $"executes a function in schema {s}", $"SELECT {probes.Function}()");
        else if (read)
            await Check(false, $"cannot execute a function in schema {s}", $"SELECT {probes.Function}()");
        if (write)
        {
            await Check(true, $"inserts into a table in schema {s}", $"INSERT INTO {probes.Table} (note) VALUES ('probe')");
            await Check(true, $"updates a table in schema {s}", $"UPDATE {probes.Table} SET note = 'probed'");
            await Check(true, $"deletes from a table in schema {s}", $"DELETE FROM {probes.Table}");
            await Check(true, $"uses a sequence in schema {s}", $"SELECT nextval({Ident.Literal(probes.Sequence)})");
        }
        else if (read)
        {
            await Check(false, $"cannot insert into a table in schema {s}", $"INSERT INTO {probes.Table} (note) VALUES ('probe')");
            await Check(false, $"cannot update a table in schema {s}", $"UPDATE {probes.Table} SET note = 'probed'");
            await Check(false, $"cannot delete from a table in schema {s}", $"DELETE FROM {probes.Table}");
        }
        else
        {
            await Check(false, $"cannot read tables in schema {s}", $"SELECT count(*) FROM {probes.Table}");
        }
        await Check(false, $"cannot create in schema {s}", $"CREATE TABLE {Ident.Quote(s)}.{Ident.Quote(ProbeName("x"))} (id int)");
        if (read)
        {
            await Check(false, $"cannot alter a table in schema {s}", $"ALTER TABLE {probes.Table} ADD COLUMN intruder int");
            await Check(false, $"cannot drop a table in schema {s}", $"DROP TABLE {probes.Table}");
            if (tables.HasFlag(Privilege.Truncate)) await Check(true, $"truncates a table in schema {s}", $"TRUNCATE {probes.Table}");
            else await Check(false, $"cannot truncate a table in schema {s}", $"TRUNCATE {probes.Table}");
        }
        await ExecAsync(connection, "RESET ROLE", cancellationToken);

        async Task Check(bool allowed, string name, string sql)
        {
            var (ok, detail) = await ProbeAsync(connection, sql, expectRefusal: !allowed, cancellationToken);
            assertions.Add(new(role.Name, name, ok, detail + standsFor));
        }
    }

    /// <summary>Runs <paramref name="sql"/> under a savepoint; an expected refusal must be SQLSTATE 42501 exactly.</summary>
    private static async Task<(bool Ok, string Detail)> ProbeAsync(NpgsqlConnection connection, string sql, bool expectRefusal, CancellationToken cancellationToken)
    {
        await ExecAsync(connection, "SAVEPOINT rm_probe", cancellationToken);
        try
        {
            await ExecAsync(connection, sql, cancellationToken);
            await ExecAsync(connection, "RELEASE SAVEPOINT rm_probe", cancellationToken);
            return Outcome(expectRefusal, null);
        }
        catch (PostgresException ex)
        {
            await ExecAsync(connection, "ROLLBACK TO SAVEPOINT rm_probe", cancellationToken);
            return Outcome(expectRefusal, ex);
        }
    }

    /// <summary>What a probe proved: allowed (<paramref name="error"/> null) or refused; an expected refusal must be SQLSTATE 42501 exactly.</summary>
    private static (bool Ok, string Detail) Outcome(bool expectRefusal, PostgresException? error) => error switch
    {
        null => expectRefusal ? (false, "was allowed, but must be refused") : (true, "allowed"),
        { SqlState: InsufficientPrivilege } when expectRefusal => (true, $"refused ({error.SqlState})"),
        _ => (false, $"{(expectRefusal ? "failed with" : "refused:")} {error.SqlState}: {error.MessageText}"),
    };

    /// <summary>
    /// Grants the master, inside the rolled-back transaction, the memberships it needs to SET ROLE: one query finds the
    /// roles it cannot yet act as, one GRANT takes them all (a query and a GRANT per role cost ~50 ms each at 1,000 roles).
    /// </summary>
    /// <returns>The roles it cannot act as: from 16, granting a role to oneself needs ADMIN OPTION on it (fuzz seed 89).</returns>
    private static async Task<HashSet<string>> BecomeAbleToActAsync(NpgsqlConnection connection, string[] roles, int version, CancellationToken cancellationToken)
    {
        if (roles.Length == 0) return [];
        string option = version >= 160000 ? "SET" : "MEMBER";
        var missing = await ExistingAsync(connection,
            $"SELECT r FROM unnest($1::text[]) WITH ORDINALITY AS u(r, i) WHERE NOT pg_has_role(current_user, r::name, '{option}') ORDER BY i", roles, cancellationToken);
        var unable = version < 160000 || missing.Count == 0 ? [] : await ExistingAsync(connection,
            "SELECT r FROM unnest($1::text[]) AS u(r) WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) " +
            "AND NOT pg_has_role(current_user, r::name, 'USAGE WITH ADMIN OPTION')", [.. missing], cancellationToken);
        var grant = roles.Where(r => missing.Contains(r) && !unable.Contains(r)).ToList();
        if (grant.Count > 0)
            await ExecAsync(connection, PlanBuilder.ActAsSql(grant, version), cancellationToken);
        return unable;
    }

    private static async Task<HashSet<string>> ExistingAsync(NpgsqlConnection connection, string sql, string[] names, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = names });
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

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(cancellationToken))?.ToString() ?? "";
    }
}
