using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Planning;

/// <summary>Set arithmetic on one ACL: what a grantee lacks and what it has beyond the desired set.</summary>
internal static class AclDiff
{
    public static Privilege Of(ImmutableDictionary<string, Privilege>? acl, string grantee) =>
        acl is not null && acl.TryGetValue(grantee, out var p) ? p : Privilege.None;

    public static Privilege Missing(Privilege desired, Privilege current) => desired & ~current;

    public static Privilege Extra(Privilege desired, Privilege current) => current & ~desired;

    /// <summary>
    /// Groups grantees by the privilege set they need, keeping the first-seen order, so that
    /// roles needing the same privileges share one statement (<c>GRANT USAGE ON SCHEMA s TO a, b</c>).
    /// </summary>
    public static IEnumerable<(Privilege Privileges, List<string> Grantees)> GroupBySet(IEnumerable<(string Grantee, Privilege Privileges)> items)
    {
        var groups = new List<(Privilege, List<string>)>();
        foreach (var (grantee, privileges) in items.Where(i => i.Privileges != Privilege.None))
        {
            int index = groups.FindIndex(g => g.Item1 == privileges);
            if (index < 0) groups.Add((privileges, new List<string> { grantee }));
            else groups[index].Item2.Add(grantee);
        }
        return groups;
    }
}
