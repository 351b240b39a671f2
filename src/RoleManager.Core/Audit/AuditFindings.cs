using System.Collections.Immutable;
using RoleManager.Sql;

namespace RoleManager.Audit;

/// <summary>
/// What a reviewer would flag, each with the SQL that fixes it: login roles that read or write everything through a
/// predefined role or hold rds_superuser, PUBLIC's privileges on the database and the declared schemas (present and
/// future objects), PUBLIC's CREATE on any schema, CREATEROLE (other than the connected master, which RDS gives it),
/// objects in a declared schema owned by another role than the declared owner, and on RDS login roles not in rds_iam.
/// The connected master's own predefined roles (RDS makes it a member of rds_superuser) and those of RDS's own roles
/// are notes instead: RoleManager must never revoke them, so a red finding with a REVOKE would be a wrong fix.
/// </summary>
internal static class AuditFindings
{
    public static (ImmutableArray<ReportFinding> Findings, ImmutableArray<ReportNote> Notes) Find(AuditReport report, PrivilegeGraph graph, CatalogFacts facts, DeclaredLayout declared)
    {
        var findings = new List<ReportFinding>();
        var notes = new List<ReportNote>();
        var roles = report.Roles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var role in graph.Roles.Values.Where(r => r.Login && !r.Superuser).OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var inherited = graph.Inherited(role.Oid);
            foreach (var (predefined, what) in new[] { ("pg_write_all_data", "write every table"), ("pg_read_all_data", "read every table"), ("rds_superuser", "act as the RDS administrator") })
            {
                if (graph.Find(predefined) is not { } oid || !inherited.TryGetValue(oid, out var chain) || chain.Length < 2) continue;
                string member = graph.Name(chain[^2]);
                if (NeverChanged(role.Name, facts))
                {
                    notes.Add(new("master-membership", $"role {role.Name}",
                        $"{role.Name} ({(role.Name == facts.ConnectedAs ? "the master user this report was read as" : "a role of Amazon RDS")}) inherits {predefined} " +
                        $"through {string.Join(" → ", chain.Select(graph.Name))}, as RDS sets it up; RoleManager never changes it and there is nothing to fix."));
                    continue;
                }
                findings.Add(new("predefined-role", $"role {role.Name}",
                    $"login role {role.Name} can {what} in every schema through {string.Join(" → ", chain.Select(graph.Name))}.",
                    $"REVOKE {Ident.Quote(predefined)} FROM {Ident.Quote(member)};"));
            }
            if (role.CreateRole && role.Name != facts.ConnectedAs)
                findings.Add(new("createrole", $"role {role.Name}",
                    $"{role.Name} has CREATEROLE: it can create roles and grant them memberships it administers.",
                    $"ALTER ROLE {Ident.Quote(role.Name)} NOCREATEROLE;"));
            if (report.Server.Rds && role.Name != facts.ConnectedAs && roles[role.Name].Login == "password-or-other")
                findings.Add(new("password-not-iam", $"role {role.Name}",
                    $"login role {role.Name} is not a member of rds_iam, so it logs in with a password (or another pg_hba method) although it could use IAM.",
                    $"GRANT rds_iam TO {Ident.Quote(role.Name)}; ALTER ROLE {Ident.Quote(role.Name)} PASSWORD NULL;"));
        }
        PublicFindings(report, declared, findings);
        OwnerFindings(report, declared, findings);
        return ([.. findings], [.. notes]);
    }

    /// <summary>The master and RDS's own roles (names starting with rds, which a layout may not declare) are never changed by RoleManager.</summary>
    private static bool NeverChanged(string role, CatalogFacts facts) =>
        role == facts.ConnectedAs || role.StartsWith("rds", StringComparison.Ordinal);

    private static void PublicFindings(AuditReport report, DeclaredLayout declared, List<ReportFinding> findings)
    {
        foreach (var entry in report.Access.Where(a => a.Role == PrivilegeGraph.PublicName))
        {
            var on = entry.On;
            bool managed = on.Kind == "database" || (on.Schema is { } s && declared.SchemaOwners.ContainsKey(s));
            bool publicCreate = on.Kind == "schema" && entry.Privileges.Contains("CREATE");
            if (!managed && !publicCreate) continue;
            string privileges = string.Join(", ", entry.Privileges);
            string? fix = on switch
            {
                { Kind: "database" } => $"REVOKE {privileges} ON DATABASE {Ident.Quote(report.Server.Database)} FROM PUBLIC;",
                { Kind: "schema" } => $"REVOKE {privileges} ON SCHEMA {Ident.Quote(on.Schema!)} FROM PUBLIC;",
                { Future: true, Kind: var k } => entry.Path.DefaultsScope == "global" || entry.Path.DefaultsScope == "built-in default"
                    ? $"ALTER DEFAULT PRIVILEGES FOR ROLE {Ident.Quote(on.CreatedBy!)} REVOKE {privileges} ON {Plural(k)} FROM PUBLIC;"
                    : $"ALTER DEFAULT PRIVILEGES FOR ROLE {Ident.Quote(on.CreatedBy!)} IN SCHEMA {Ident.Quote(on.Schema!)} REVOKE {privileges} ON {Plural(k)} FROM PUBLIC;",
                { All: true, Kind: var k } when k != "column" => $"REVOKE {privileges} ON ALL {Plural(k)} IN SCHEMA {Ident.Quote(on.Schema!)} FROM PUBLIC;",
                { Kind: "column" } => string.Join(" ", on.Names.Select(n => n.Split('.', 2)).Select(p =>
                    $"REVOKE {privileges} ({Ident.Quote(p[1])}) ON {Ident.Qualified(on.Schema!, p[0])} FROM PUBLIC;")),
                { Kind: "routine" } => string.Join(" ", on.Names.Select(n => $"REVOKE {privileges} ON ROUTINE {Ident.Quote(on.Schema!)}.{RoutineSignature(n)} FROM PUBLIC;")),
                _ => string.Join(" ", on.Names.Select(n => $"REVOKE {privileges} ON {(on.Kind == "sequence" ? "SEQUENCE " : "")}{Ident.Qualified(on.Schema!, n)} FROM PUBLIC;")),
            };
            string what = on.Future ? $"future {on.Kind}s {on.CreatedBy} creates in schema {on.Schema}" : AuditText.Target(on);
            findings.Add(new("public-privilege", what, $"PUBLIC (every role) has {privileges} on {what} ({entry.Path.Text}).", fix));
        }
    }

    private static void OwnerFindings(AuditReport report, DeclaredLayout declared, List<ReportFinding> findings)
    {
        foreach (var (schemaName, owner) in declared.SchemaOwners.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var schema = report.Schemas.FirstOrDefault(s => s.Name == schemaName);
            if (schema is null) continue;
            if (schema.Owner != owner)
                findings.Add(new("unexpected-owner", $"schema {schemaName}", $"schema {schemaName} is owned by {schema.Owner}, not its declared owner {owner}.",
                    $"ALTER SCHEMA {Ident.Quote(schemaName)} OWNER TO {Ident.Quote(owner)};"));
            var owned = report.Access.Where(a => a.Path.Via == "ownership" && a.Path.Chain.Length == 1 && a.Privileges.Contains("OWN")
                && !a.On.Future && a.On.Schema == schemaName && a.On.Kind is "table" or "sequence" or "routine" && a.Role != owner);
            foreach (var entry in owned)
            {
                var names = entry.On.All ? (entry.On.Kind switch { "table" => schema.Tables, "sequence" => schema.Sequences, _ => schema.Routines }) : entry.On.Names;
                string fix = string.Join(" ", names.Select(n => entry.On.Kind == "routine"
                    ? $"ALTER ROUTINE {Ident.Quote(schemaName)}.{RoutineSignature(n)} OWNER TO {Ident.Quote(owner)};"
                    : $"ALTER {(entry.On.Kind == "sequence" ? "SEQUENCE" : "TABLE")} {Ident.Qualified(schemaName, n)} OWNER TO {Ident.Quote(owner)};"));
                findings.Add(new("unexpected-owner", $"{entry.On.Kind}s in schema {schemaName}",
                    $"{names.Length} {entry.On.Kind}(s) in schema {schemaName} are owned by {entry.Role}, not the schema's declared owner {owner}: {string.Join(", ", names.Take(5))}{(names.Length > 5 ? ", …" : "")}.", fix));
            }
        }
    }

    /// <summary>Routine names are reported as <c>name(args)</c>; the name part is quoted, the argument types kept as the catalog prints them.</summary>
    private static string RoutineSignature(string name)
    {
        int open = name.IndexOf('(');
        return open < 0 ? Ident.Quote(name) : Ident.Quote(name[..open]) + name[open..];
    }

    private static string Plural(string kind) => kind switch { "table" => "TABLES", "sequence" => "SEQUENCES", _ => "ROUTINES" };
}
