using System.Collections.Immutable;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// Column privileges (<c>GRANT UPDATE (v) ON t TO reporting</c>) let a role do on some columns what its profile
/// refuses on the table: a column privilege of a declared role (or PUBLIC) that its table-level profile does not
/// include is revoked. One that the profile includes adds nothing and is left alone.
/// </summary>
internal static class ColumnPlanner
{
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
            var extra = grant.Privileges & ~PrivilegeModel.Direct(role ?? PublicSpec, schema, ObjectKind.Table, context.Version);
            if (role is null) extra = grant.Privileges;
            if (extra == Privilege.None) continue;
            string sql = $"REVOKE {Privileges.ToSql(extra)} ({Ident.QuoteList(grant.Columns)}) ON TABLE {Ident.Qualified(grant.Schema, grant.Table)} " +
                         $"FROM {SchemaPlanner.Grantees([grant.Grantee])}";
            if (table.OwnerIsSuperuser && !context.Current.Server.CurrentUserIsSuperuser)
            {
                context.Builder.AddFinding(new Finding($"table {grant.Schema}.{grant.Table}",
                    $"{grant.Grantee} holds {Privileges.ToSql(extra)} on columns {string.Join(", ", grant.Columns)}, which its profile does not allow, and the table belongs to a superuser",
                    sql));
                continue;
            }
            context.ActAs(table.Owner);
            context.ActAs(schema.Owner);
            context.Builder.Add(Phase.ObjectPrivileges, new Change(ChangeKind.RevokeObjects,
                $"revoke {Privileges.ToSql(extra)} on columns {string.Join(", ", grant.Columns)} of table {grant.Schema}.{grant.Table} from {grant.Grantee}", sql)
            { Log = new(Role: grant.Grantee, Schema: grant.Schema, Object: grant.Table) });
        }
    }

    private static readonly RoleSpec PublicSpec = new(CurrentState.Public, false, AuthMode.None, null, [], [], []);
}
