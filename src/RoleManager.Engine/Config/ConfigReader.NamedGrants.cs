using System.Collections.Immutable;
using RoleManager.Model;
using YamlDotNet.RepresentationModel;

namespace RoleManager.Config;

/// <summary>
/// A grant's <c>tables:</c> and <c>columns:</c>: privileges on named tables and on some columns of a table, beside the
/// schema-wide profile (often <c>profile: usage</c>, which gives USAGE on the schema and nothing on its objects):
/// <code>
/// grants:
///   - schema: app
///     profile: usage
///     tables: [{ name: t2, privileges: [select] }]
///     columns: [{ table: t1, columns: [id, s], privileges: [select] }]
/// </code>
/// </summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] TableGrantKeys = ["name", "privileges"];
    private static readonly string[] ColumnGrantKeys = ["table", "columns", "privileges"];

    private static IEnumerable<NamedGrant> NamedGrantsOf(Located<GrantSpec> grant) => grant.Named;

    private ImmutableArray<NamedGrant> ReadNamedGrants(YamlMappingNode map, string path, string schema, Profile? profile)
    {
        var result = ImmutableArray.CreateBuilder<NamedGrant>();
        bool any = Child(map, "tables") is not null || Child(map, "columns") is not null;
        if (any && profile == Profile.Owner)
            Problem(map, path, "the owner profile already holds every privilege: 'tables' and 'columns' go on the grants of other roles");
        foreach (var item in ReadList(map, "tables", path, (node, p) => ReadNamed(node, p, schema, onColumns: false)))
            result.Add(item.Spec);
        foreach (var item in ReadList(map, "columns", path, (node, p) => ReadNamed(node, p, schema, onColumns: true)))
            result.Add(item.Spec);
        return result.ToImmutable();
    }

    private Located<NamedGrant>? ReadNamed(YamlNode node, string path, string schema, bool onColumns)
    {
        string shape = onColumns ? "{ table: NAME, columns: [a, b], privileges: [select] }" : "{ name: TABLE, privileges: [select, insert] }";
        if (node is not YamlMappingNode map) { Problem(node, path, $"each item is a mapping {shape}"); return null; }
        CheckKeys(map, path, onColumns ? ColumnGrantKeys : TableGrantKeys);
        string? table = Required(map, onColumns ? "table" : "name", path);
        if (table is not null && Names.Problem(table, "table") is { } tp) { Problem(map, path, tp); table = null; }
        var columns = onColumns ? ReadScalarList(map, "columns", path + ".columns", c => Names.Problem(c, "column")) : [];
        if (onColumns && columns.IsEmpty && Child(map, "columns") is null) Problem(map, path + ".columns", "'columns' is missing: name the columns, e.g. [id, name]");
        string allowed = onColumns ? "select, insert, update or references" : "select, insert, update, delete, truncate, references or trigger";
        var names = ReadScalarList(map, "privileges", path + ".privileges",
            v => ParseNamedPrivilege(v, onColumns) is null ? $"'{v}' is not a {(onColumns ? "column" : "table")} privilege: use {allowed}" : null);
        if (Child(map, "privileges") is null) Problem(map, path + ".privileges", $"'privileges' is missing: use {allowed}");
        var privileges = names.Aggregate(Privilege.None, (all, v) => all | (ParseNamedPrivilege(v, onColumns) ?? Privilege.None));
        if (table is null || privileges == Privilege.None || (onColumns && columns.IsEmpty)) return null;
        return new Located<NamedGrant>(new NamedGrant(schema, table, privileges, columns), map, path);
    }

    private static Privilege? ParseNamedPrivilege(string value, bool onColumns) => value.ToLowerInvariant() switch
    {
        "select" => Privilege.Select,
        "insert" => Privilege.Insert,
        "update" => Privilege.Update,
        "references" => Privilege.References,
        "delete" when !onColumns => Privilege.Delete,
        "truncate" when !onColumns => Privilege.Truncate,
        "trigger" when !onColumns => Privilege.Trigger,
        _ => null,
    };
}
