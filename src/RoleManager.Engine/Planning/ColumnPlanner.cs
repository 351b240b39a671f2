using System.Collections.Immutable;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// Column privileges (<c>GRANT SELECT (id, s) ON t TO reporting</c>). A declared column grant (<c>columns:</c>) is granted
/// on exactly its columns. Any other column privilege of a declared role (or PUBLIC) that its table-level grants do not
/// include lets it do on some columns what the config refuses on the table, and is revoked; one the table-level grants
/// include adds nothing and is left alone.
/// </summary>
internal static class ColumnPlanner
{
    private static readonly Privilege[] ColumnPrivileges = [Privilege.Select, Privilege.Insert, Privilege.Update, Privilege.References];

    public static void PlanColumns(PlanContext context, ImmutableArray<DbObject> objectsAfterHandover)
    {
        var tables = objectsAfterHandover.Where(o => o.Kind == ObjectKind.Table)
            .GroupBy(o => (o.Schema, o.Name)).ToDictionary(g => g.Key, g => g.First());
        foreach (var grant in context.Current.ColumnGrants)
        {
            var schema = context.Desired.Schemas.FirstOrDefault(s => s.Name == grant.Schema);
            if (schema is null || !tables.TryGetValue((grant.Schema, grant.Table), out var table) || grant.Grantee == table.Owner) continue;
            var role = grant.Grantee == CurrentState.Public ? null : context.Desired.FindRole(grant.Grantee);
            if (role is { Drop: true } || (role is null && grant.Grantee != CurrentState.Public)) continue;
            if (role is not null && grant.WithGrantOption)
                Emit(context, schema, table, grant.Grantee, grant.Privileges, grant.Columns, grant: false, grantOption: true);
            var extra = role is null ? grant.Privileges : grant.Privileges & ~PrivilegeModel.DirectOnTable(role, schema, grant.Table, context.Version);
            foreach (var (privileges, columns) in Undeclared(role, grant, extra))
                Emit(context, schema, table, grant.Grantee, privileges, columns, grant: false);
        }
        PlanDeclared(context, tables);
    }

    /// <summary>
    /// The privileges of a live column grant beyond the table-level ones, less the columns a declared column grant
    /// names for them: all of <paramref name="extra"/> on all its columns when the role declares none there.
    /// </summary>
    private static IEnumerable<(Privilege, ImmutableArray<string>)> Undeclared(RoleSpec? role, ColumnGrant grant, Privilege extra)
    {
        if (extra == Privilege.None) yield break;
        var declared = role is null ? [] : role.NamedGrants.Where(g => g.OnColumns && g.Schema == grant.Schema && g.Table == grant.Table).ToList();
        if (declared.Count == 0)
        {
            yield return (extra, grant.Columns);
            yield break;
        }
        foreach (var privilege in ColumnPrivileges.Where(p => extra.HasFlag(p)))
        {
            var columns = grant.Columns.Where(c => !declared.Any(d => d.Privileges.HasFlag(privilege) && d.Columns.Contains(c))).ToImmutableArray();
            if (columns.Length > 0) yield return (privilege, columns);
        }
    }

    /// <summary>Grants the declared column grants' columns that the role lacks.</summary>
    private static void PlanDeclared(PlanContext context, Dictionary<(string Schema, string Name), DbObject> tables)
    {
        foreach (var role in context.PresentRoles)
        foreach (var declared in role.NamedGrants.Where(g => g.OnColumns))
        {
            var schema = context.Desired.Schemas.FirstOrDefault(s => s.Name == declared.Schema);
            if (schema is null || schema.Owner == role.Name) continue;
            if (!tables.TryGetValue((declared.Schema, declared.Table), out var table))
            {
                // Objects read as groups without names: the table may exist, so plan it and let the engine read the names.
                if (context.Current.ObjectsSummarised)
                    Emit(context, schema, null, role.Name, declared.Privileges, declared.Columns, grant: true, tableName: declared.Table);
                continue;
            }
            if (table.Owner == role.Name) continue;
            var tableWanted = PrivilegeModel.DirectOnTable(role, schema, table.Name, context.Version);
            var tableHave = AclDiff.Of(table.Acl, role.Name) & ~Privilege.GrantOption;
            foreach (var privilege in ColumnPrivileges.Where(p => declared.Privileges.HasFlag(p) && !tableWanted.HasFlag(p)))
            {
                // A table-level REVOKE of the privilege (planned before this) takes its column grants with it.
                var have = tableHave.HasFlag(privilege) ? [] : context.Current.ColumnGrants
                    .Where(c => c.Schema == table.Schema && c.Table == table.Name && c.Grantee == role.Name && c.Privileges.HasFlag(privilege))
                    .SelectMany(c => c.Columns).ToHashSet(StringComparer.Ordinal);
                var missing = declared.Columns.Where(c => !have.Contains(c)).ToImmutableArray();
                if (missing.Length > 0) Emit(context, schema, table, role.Name, privilege, missing, grant: true);
            }
        }
    }

    private static void Emit(PlanContext context, SchemaSpec schema, DbObject? table, string grantee, Privilege privileges, ImmutableArray<string> columns,
        bool grant, string? tableName = null, bool grantOption = false)
    {
        string name = table?.Name ?? tableName!;
        // A grant option is revoked with CASCADE: what the role granted with it goes too (a plain REVOKE would fail on it).
        string sql = $"{(grant ? "GRANT" : grantOption ? "REVOKE GRANT OPTION FOR" : "REVOKE")} {Privileges.ToSql(privileges)} ({Ident.QuoteList(columns)}) ON TABLE {Ident.Qualified(schema.Name, name)} " +
                     $"{(grant ? "TO" : "FROM")} {SchemaPlanner.Grantees([grantee])}{(grantOption ? " CASCADE" : "")}";
        if (table is { OwnerIsSuperuser: true } && !context.Current.Server.CurrentUserIsSuperuser)
        {
            context.Builder.AddFinding(new Finding($"table {schema.Name}.{name}",
                grant
                    ? $"{grantee} is declared {Privileges.ToSql(privileges)} on columns {string.Join(", ", columns)}, and the table belongs to a superuser"
                    : $"{grantee} holds {Privileges.ToSql(privileges)} on columns {string.Join(", ", columns)}, which its profile does not allow, and the table belongs to a superuser",
                sql));
            return;
        }
        using var unit = context.Builder.BeginUnit();
        if (table is not null) context.ActAs(table.Owner);
        context.ActAsSchemaOwner(schema.Name, schema.Owner);
        context.Builder.Add(Phase.ObjectPrivileges, new Change(grant ? ChangeKind.GrantObjects : ChangeKind.RevokeObjects,
            $"{(grant ? "grant" : grantOption ? "revoke the grant option for" : "revoke")} {Privileges.ToSql(privileges)} on columns {string.Join(", ", columns)} of table {schema.Name}.{name} {(grant ? "to" : "from")} {grantee}", sql)
        { Log = new(Role: grantee, Schema: schema.Name, Object: name), Target = ChangeTarget.On(schema.Name, [name]) });
    }
}
