namespace RoleManager.Model;

/// <summary>A column-level grant (<c>GRANT UPDATE (v) ON t TO role</c>): privileges on some columns of one relation.</summary>
public sealed record ColumnGrant(string Schema, string Table, string Grantee, Privilege Privileges, System.Collections.Immutable.ImmutableArray<string> Columns)
{
    /// <summary>True when the grantee holds the privilege WITH GRANT OPTION on at least one of the columns.</summary>
    public bool WithGrantOption { get; init; }
}
