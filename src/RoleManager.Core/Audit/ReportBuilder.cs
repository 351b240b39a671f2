using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Audit;

/// <summary>What the layout declares, for marking declared roles and spotting objects owned by an unexpected role.</summary>
public sealed record DeclaredLayout(ImmutableHashSet<string> Roles, ImmutableDictionary<string, string> SchemaOwners)
{
    public static readonly DeclaredLayout None = new([], ImmutableDictionary<string, string>.Empty);

    public static DeclaredLayout From(DesiredState desired) => new(
        [.. desired.Roles.Select(r => r.Name)],
        desired.Schemas.ToImmutableDictionary(s => s.Name, s => s.Owner));
}

/// <summary>
/// Builds the report from the catalog facts: for every role and PUBLIC, every path to every privilege on the
/// database, its user schemas, their tables, sequences, routines and columns, and on the future objects that
/// default privileges will create. Pure and deterministic (apart from <c>generatedAt</c>).
/// </summary>
public static class ReportBuilder
{
    public static AuditReport Build(CatalogFacts facts, DeclaredLayout declared, DateTimeOffset generatedAt)
    {
        var graph = new PrivilegeGraph(facts);
        var schemaName = facts.Schemas.ToDictionary(s => s.Oid, s => s.Name);
        var counts = new Dictionary<(string Kind, string? Schema), int>();
        foreach (var group in facts.Objects.Where(g => schemaName.ContainsKey(g.Schema)))
        {
            var key = (AuditPrivileges.KindName(group.Kind), (string?)schemaName[group.Schema]);
            counts[key] = counts.GetValueOrDefault(key) + group.Names.Length;
        }

        var principals = facts.Roles.Select(r => r.Oid).Prepend(CatalogFacts.Public).ToList();
        var access = new List<AccessEntry>();
        foreach (uint role in principals)
        {
            var walker = new PathWalker(graph, facts, role);
            walker.Walk(schemaName);
            access.AddRange(walker.Collector.Entries(t => counts.GetValueOrDefault((t.Kind, t.Schema))));
        }
        access.Sort(CompareEntries);

        var server = new ReportServer(facts.Version, facts.VersionNum, facts.Database, graph.Name(facts.DatabaseOwner), facts.ConnectedAs,
            graph.Find(facts.ConnectedAs) is { } me && graph.IsSuperuser(me), graph.Find("rds_iam") is not null);
        var roles = ReportRoles.Build(graph, facts, declared, access);
        var schemas = facts.Schemas.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => new ReportSchema(
            s.Name, graph.Name(s.Owner), declared.SchemaOwners.GetValueOrDefault(s.Name),
            Names(facts, s.Oid, ObjectKind.Table), Names(facts, s.Oid, ObjectKind.Sequence), Names(facts, s.Oid, ObjectKind.Routine))).ToImmutableArray();
        var report = new AuditReport(AuditReport.CurrentFormatVersion, generatedAt, server, roles, schemas, [.. access], []);
        var (findings, notes) = AuditFindings.Find(report, graph, facts, declared);
        return report with { Findings = findings, Notes = notes };
    }

    private static ImmutableArray<string> Names(CatalogFacts facts, uint schema, ObjectKind kind) =>
        [.. facts.Objects.Where(g => g.Schema == schema && g.Kind == kind).SelectMany(g => g.Names).Order(StringComparer.Ordinal)];

    private static readonly string[] KindOrder = ["database", "schema", "table", "sequence", "routine", "column"];

    private static int CompareEntries(AccessEntry a, AccessEntry b)
    {
        int c = (a.Role == PrivilegeGraph.PublicName ? 0 : 1).CompareTo(b.Role == PrivilegeGraph.PublicName ? 0 : 1);
        if (c == 0) c = string.CompareOrdinal(a.Role, b.Role);
        if (c == 0) c = a.On.Future.CompareTo(b.On.Future);
        if (c == 0) c = Array.IndexOf(KindOrder, a.On.Kind).CompareTo(Array.IndexOf(KindOrder, b.On.Kind));
        if (c == 0) c = string.CompareOrdinal(a.On.Schema, b.On.Schema);
        if (c == 0) c = string.CompareOrdinal(a.On.CreatedBy, b.On.CreatedBy);
        if (c == 0) c = AuditPrivileges.Order(a.Privileges[0]).CompareTo(AuditPrivileges.Order(b.Privileges[0]));
        if (c == 0) c = string.CompareOrdinal(a.Path.Text, b.Path.Text);
        if (c == 0) c = a.NeedsSetRole.CompareTo(b.NeedsSetRole);
        if (c == 0) c = string.CompareOrdinal(string.Join(",", a.On.Names), string.Join(",", b.On.Names));
        return c;
    }
}
