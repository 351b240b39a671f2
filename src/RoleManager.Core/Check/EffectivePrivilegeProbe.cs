using Npgsql;
using RoleManager.Model;

namespace RoleManager.Check;

/// <summary>
/// Asks the server itself (has_table_privilege and friends, which count ownership, memberships, predefined roles
/// such as pg_write_all_data, PUBLIC and column grants) what a role may do on every existing object of a schema,
/// and compares it with what the layout declares (<see cref="PrivilegeModel"/>). Read-only. An extension's members
/// (pg_depend deptype 'e') are not asked about: they are the extension's, and the layout's profiles do not reach them
/// (the planner neither grants nor revokes on them; docs/security.md, "Ownership is privilege").
/// One query answers for every role that expects the same (an <see cref="Expectation"/>): the role names go in as
/// an array, so 1,000 readers on a schema are one round trip, not 1,000.
/// </summary>
internal static class EffectivePrivilegeProbe
{
    // The query (Check/Queries/effective_privileges.sql) runs each role as the outer row of a LATERAL subquery: see its notes.

    /// <summary>What a role is expected to be allowed on a schema's objects: roles with equal expectations share a query.</summary>
    /// <paramref name="NamedTables"/> and <paramref name="NamedColumns"/>: the named grants (<c>tables:</c>, <c>columns:</c>)
    /// as tab-separated <c>table PRIVILEGE</c> and <c>table column PRIVILEGE</c> lines, a string so that equal ones compare equal.
    internal sealed record Expectation(bool Owner, Privilege Table, Privilege Sequence, bool Execute, Privilege Schema,
        Privilege AllTable, Privilege AllSequence, string NamedTables = "", string NamedColumns = "");

    public static Expectation ExpectationOf(DesiredState desired, string role, SchemaSpec schema, int serverVersion)
    {
        bool owner = PrivilegeModel.OwnsSchema(desired, role, schema);
        Privilege Expected(ObjectKind kind) => owner ? Privileges.AllFor(kind, serverVersion) : PrivilegeModel.Effective(desired, role, schema, kind, serverVersion);
        var named = owner ? [] : PrivilegeModel.EffectiveNamed(desired, role, schema).ToList();
        string Lines(IEnumerable<string> lines) => string.Join("\n", lines.Distinct().Order(StringComparer.Ordinal));
        return new Expectation(owner, Expected(ObjectKind.Table), Expected(ObjectKind.Sequence), Expected(ObjectKind.Routine).HasFlag(Privilege.Execute),
            PrivilegeModel.EffectiveOnSchema(desired, role, schema),
            Privileges.AllFor(ObjectKind.Table, serverVersion), Privileges.AllFor(ObjectKind.Sequence, serverVersion),
            Lines(named.Where(n => !n.OnColumns).SelectMany(n => Names(n.Privileges).Select(p => $"{n.Table}\t{p}"))),
            Lines(named.Where(n => n.OnColumns).SelectMany(n => n.Columns.SelectMany(c => Names(n.Privileges).Select(p => $"{n.Table}\t{c}\t{p}")))));
    }

    /// <summary>For each of <paramref name="roles"/> that differs, its differences (at most 20 each); a role not in the answer may do exactly what is declared.</summary>
    public static async Task<Dictionary<string, List<string>>> DifferencesAsync(NpgsqlConnection connection, Expectation expected, string[] roles, SchemaSpec schema,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(CheckSql.EffectivePrivileges, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = roles });
        command.Parameters.Add(new NpgsqlParameter { Value = schema.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.AllTable) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.Table) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.AllSequence) });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.Sequence) });
        command.Parameters.Add(new NpgsqlParameter { Value = expected.Execute });
        command.Parameters.Add(new NpgsqlParameter { Value = expected.Owner });
        command.Parameters.Add(new NpgsqlParameter { Value = Names(expected.Schema) });
        command.Parameters.Add(new NpgsqlParameter { Value = expected.NamedTables.Split('\n', StringSplitOptions.RemoveEmptyEntries) });
        command.Parameters.Add(new NpgsqlParameter { Value = expected.NamedColumns.Split('\n', StringSplitOptions.RemoveEmptyEntries) });
        var differences = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string role = reader.GetString(0);
            if (!differences.TryGetValue(role, out var list)) differences[role] = list = new List<string>();
            list.Add(reader.GetString(1));
        }
        return differences;
    }

    private static string[] Names(Privilege privileges) =>
        Privileges.ToSql(privileges).Split(", ", StringSplitOptions.RemoveEmptyEntries);
}
