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
/// The check's behaviour probes: one rolled-back master transaction that acts (SET ROLE) as one role of each equivalence
/// class, and the server's own view of every role (<see cref="EffectivePrivilegeProbe"/>).
/// </summary>
public sealed partial class Checker
{
    private async Task CheckPrivilegesAsync(DesiredState desired, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var serverView = TimeSpan.Zero;
        await using var opened = Master is null ? await connections.OpenAsync(cancellationToken) : null;
        var connection = opened ?? Master!;
        await using var tx = await PlanTransaction.BeginAsync(connection, _options, TransactionMode.AlwaysRollback, _logger, cancellationToken, serialise: false);
        // PlanTransaction turns JIT off: the server's view of 1,000 roles is a query the planner costs high enough to
        // JIT-compile (~0.5 s of compiling for a query that then runs in ~0.3 s).

        bool publicConnect = await ScalarAsync(connection, CheckSql.PublicConnect, [desired.Database], cancellationToken) == "true";
        assertions.Add(new("PUBLIC", $"cannot connect to database {desired.Database}", !publicConnect,
            publicConnect ? "PUBLIC holds CONNECT on the database" : "PUBLIC has no CONNECT"));
        foreach (var role in desired.PresentRoles.Where(r => r.Login && !r.DatabasePrivileges.Contains(DatabasePrivilege.Connect)))
        {
            bool connects = await ScalarAsync(connection, CheckSql.RoleConnect, [desired.Database, role.Name], cancellationToken) == "true";
            assertions.Add(new(role.Name, $"cannot connect to database {desired.Database}", !connects,
                connects ? "it holds CONNECT (directly, through a membership or PUBLIC), which this database does not declare" : "no CONNECT, as declared"));
        }

        // Before the first apply the roles or schemas do not exist yet: each is a failed assertion, not an error.
        var existing = await ExistingAsync(connection, CheckSql.ExistingRoles, [desired.PresentRoles.Select(r => r.Name).ToArray()], cancellationToken);
        var schemas = await ExistingAsync(connection, CheckSql.ExistingSchemas, [desired.Schemas.Select(s => s.Name).ToArray()], cancellationToken);
        foreach (var role in desired.PresentRoles.Where(r => !existing.Contains(r.Name)))
            assertions.Add(new(role.Name, "exists", false, $"role {role.Name} does not exist: run apply"));
        foreach (var schema in desired.Schemas.Where(s => !schemas.Contains(s.Name)))
            assertions.Add(new("*", $"schema {schema.Name} exists", false, $"schema {schema.Name} does not exist: run apply"));

        int version = int.Parse(await ScalarAsync(connection, "SHOW server_version_num", [], cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var present = desired.PresentRoles.Where(r => existing.Contains(r.Name)).ToList();
        await MembershipProbe.CheckAsync(connection, present, version, assertions, cancellationToken);
        var probed = desired.Schemas.Where(s => schemas.Contains(s.Name) && existing.Contains(s.Owner))
            .Select(schema => (Schema: schema, Classes: EquivalenceClass.Of(desired, present.Where(r => !PrivilegeModel.OwnsSchema(desired, r.Name, schema)), schema, version)))
            .ToList();
        // Only the roles the master will SET ROLE to: the schema owners and one representative per class.
        var actors = probed.SelectMany(p => p.Classes.Select(c => c.Representative.Name).Prepend(p.Schema.Owner)).Distinct(StringComparer.Ordinal).ToArray();
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
            foreach (var members in classes.Where(c => !unable.Contains(c.Representative.Name) && probes.Ready))
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

    /// <summary>Probes as the class's representative; the assertions name it and say whom else it stands for.</summary>
    private static async Task CheckGranteeAsync(NpgsqlConnection connection, DesiredState desired, EquivalenceClass members, SchemaSpec schema, Probes probes,
        int version, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        var role = members.Representative;
        string standsFor = members.Members.Length == 1 ? ""
            : $" (also for {RolePlanner.Who(members.Others.Select(m => m.Name).ToList())}: the same declared privileges)";
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

    /// <summary>
    /// Grants the master, inside the rolled-back transaction, the memberships it needs to SET ROLE: one query finds the
    /// roles it cannot yet act as, one GRANT takes them all (a query and a GRANT per role cost ~50 ms each at 1,000 roles).
    /// </summary>
    /// <returns>The roles it cannot act as: from 16, granting a role to oneself needs ADMIN OPTION on it (fuzz seed 89).</returns>
    private static async Task<HashSet<string>> BecomeAbleToActAsync(NpgsqlConnection connection, string[] roles, int version, CancellationToken cancellationToken)
    {
        if (roles.Length == 0) return [];
        string option = version >= 160000 ? "SET" : "MEMBER";
        var missing = await ExistingAsync(connection, CheckSql.NotActingAs, [roles, option], cancellationToken);
        var unable = version < 160000 || missing.Count == 0 ? [] : await ExistingAsync(connection, CheckSql.CannotActAs, [missing.ToArray()], cancellationToken);
        var grant = roles.Where(r => missing.Contains(r) && !unable.Contains(r)).ToList();
        if (grant.Count > 0)
            await ExecAsync(connection, PlanBuilder.ActAsSql(grant, version), cancellationToken);
        return unable;
    }
}
