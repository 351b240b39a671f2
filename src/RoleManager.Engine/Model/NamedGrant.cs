using System.Collections.Immutable;

namespace RoleManager.Model;

/// <summary>
/// A declared grant on one named table of a managed schema (<c>tables: [{ name: t1, privileges: [select] }]</c>), or on
/// some of its columns when <see cref="Columns"/> is not empty (<c>columns: [{ table: t1, columns: [id, s], privileges: [select] }]</c>).
/// </summary>
public sealed record NamedGrant(string Schema, string Table, Privilege Privileges, ImmutableArray<string> Columns)
{
    public bool OnColumns => !Columns.IsDefaultOrEmpty;
}
