using Npgsql;
using RoleManager.Integration.Tests.Report;
using RoleManager.Model;

namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>
/// The third assertion: PostgreSQL's own <c>has_*_privilege</c> answers (<see cref="PrivilegeOracle"/>, the audit
/// report's oracle) equal what the config declares (<see cref="PrivilegeModel"/>), for every declared role × object of
/// the managed schemas (and the schemas and the database) × privilege, with and without grant option. Every object of a
/// managed schema belongs to the schema's owner once applied, so a grant option is expected exactly where the role owns
/// the schema. Extension members are left out: who owns them and what roles get on them is still being decided (issue 27).
/// </summary>
public static class ExpectedPrivileges
{
    public static async Task<List<string>> DisagreementsAsync(NpgsqlConnection superuser, DesiredState desired, int versionNum)
    {
        var roles = desired.PresentRoles.Select(r => r.Name).ToList();
        var members = await ExtensionMembersAsync(superuser);
        var answers = await PrivilegeOracle.AskAsync(superuser, roles, versionNum);
        var disagreements = new List<string>();
        foreach (var answer in answers)
        {
            if (Expected(desired, answer, versionNum, members) is not { } expected || expected == answer.Has) continue;
            disagreements.Add($"{answer} (the config says {expected})");
        }
        return disagreements;
    }

    /// <summary>What the config says PostgreSQL should answer; null for a question outside the managed scope.</summary>
    private static bool? Expected(DesiredState desired, OracleAnswer q, int version, HashSet<(string, string)> extensionMembers)
    {
        if (q.Kind == "database")
            return !q.GrantOption && PrivilegeModel.EffectiveOnDatabase(desired, q.Role).HasFlag(Privileges.Parse(q.Privilege));
        string schemaName = q.Kind == "schema" ? q.Name : q.Schema!;
        if (desired.Schemas.FirstOrDefault(s => s.Name == schemaName) is not { } schema) return null;
        if (q.Kind == "schema")
            return q.GrantOption ? q.Role == schema.Owner
                : PrivilegeModel.EffectiveOnSchema(desired, q.Role, schema).HasFlag(Privileges.Parse(q.Privilege));
        string objectName = q.Kind == "column" ? q.Name[..q.Name.LastIndexOf('.')] : q.Name;
        if (extensionMembers.Contains((q.Schema!, objectName))) return null;
        var kind = q.Kind switch
        {
            "table" or "column" => ObjectKind.Table,
            "sequence" => ObjectKind.Sequence,
            "routine" => ObjectKind.Routine,
            _ => throw new ArgumentOutOfRangeException(nameof(q), q.Kind),
        };
        if (q.GrantOption) return q.Role == schema.Owner;
        return PrivilegeModel.Effective(desired, q.Role, schema, kind, version).HasFlag(Privileges.Parse(q.Privilege));
    }

    /// <summary>Relations and routines that belong to an extension, named as <see cref="PrivilegeOracle"/> names them.</summary>
    private static async Task<HashSet<(string Schema, string Name)>> ExtensionMembersAsync(NpgsqlConnection superuser)
    {
        const string sql = """
            SELECT n.nspname::text, c.relname::text FROM pg_depend d JOIN pg_class c ON c.oid = d.objid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
            UNION ALL
            SELECT n.nspname::text, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' FROM pg_depend d
              JOIN pg_proc p ON p.oid = d.objid JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
            """;
        var members = new HashSet<(string, string)>();
        await using var cmd = new NpgsqlCommand(sql, superuser);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) members.Add((reader.GetString(0), reader.GetString(1)));
        return members;
    }
}
