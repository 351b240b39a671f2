using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Audit;

/// <summary>The roles section: every role and PUBLIC, with kind, login method, attributes and memberships.</summary>
internal static class ReportRoles
{
    public static ImmutableArray<ReportRole> Build(PrivilegeGraph graph, CatalogFacts facts, DeclaredLayout declared, List<AccessEntry> access)
    {
        uint? rdsIam = graph.Find("rds_iam");
        var connect = access.Where(a => a.On.Kind == "database" && a.Privileges.Contains("CONNECT") && !a.NeedsSetRole)
            .Select(a => a.Role).ToHashSet(StringComparer.Ordinal);
        bool publicConnects = connect.Contains(PrivilegeGraph.PublicName);

        var roles = new List<ReportRole>
        {
            new(PrivilegeGraph.PublicName, "public", false, "none", [], -1, publicConnects, []),
        };
        foreach (var r in facts.Roles.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var memberOf = graph.Memberships.Where(m => m.Member == r.Oid)
                .Select(m => new ReportMembership(graph.Name(m.Group), m.Inherit, m.Set, m.Admin, m.Implicit))
                .OrderBy(m => m.Role, StringComparer.Ordinal).ToImmutableArray();
            string login = !r.Login ? "none"
                : rdsIam is { } iam && graph.Memberships.Any(m => m.Member == r.Oid && m.Group == iam) ? "iam"
                : "password-or-other";
            roles.Add(new ReportRole(r.Name, Kind(r), declared.Roles.Contains(r.Name), login, Attributes(r), r.ConnectionLimit,
                r.Superuser || publicConnects || connect.Contains(r.Name), memberOf));
        }
        return [.. roles];
    }

    public static string Kind(RoleFacts r) =>
        r.Name.StartsWith("pg_", StringComparison.Ordinal) ? "predefined"
        : r.Name.StartsWith("rds", StringComparison.Ordinal) ? "rds"
        : r.Login ? "login" : "group";

    private static ImmutableArray<string> Attributes(RoleFacts r)
    {
        var list = new List<string>();
        if (r.Superuser) list.Add("superuser");
        if (r.CreateRole) list.Add("createrole");
        if (r.CreateDb) list.Add("createdb");
        if (r.Replication) list.Add("replication");
        if (r.BypassRls) list.Add("bypassrls");
        if (!r.Inherit) list.Add("noinherit");
        if (r.Login) list.Add("login");
        return [.. list];
    }
}
