using System.Collections.Immutable;
using RoleManager.Sql;

namespace RoleManager.Planning;

/// <summary>
/// Collects changes by phase while the planner walks the desired state, and records which roles the
/// master user must act for. <see cref="Build"/> orders the phases so that every statement runs after
/// what it depends on (roles before grants, memberships before acting, drops last).
/// </summary>
internal sealed class PlanBuilder(int serverVersion)
{
    internal enum Phase { CreateRoles, AlterRoles, Memberships, Database, Extensions, Schemas, SchemaPrivileges, ObjectPrivileges, DefaultPrivileges, Drops }

    private readonly SortedDictionary<Phase, List<Change>> _phases = new();
    private readonly List<string> _actAs = new();
    private readonly List<(Change Begin, Change End)> _temporary = new();
    private readonly List<Finding> _findings = new();

    public void Add(Phase phase, Change change)
    {
        if (!_phases.TryGetValue(phase, out var list))
            _phases[phase] = list = new List<Change>();
        list.Add(change);
    }

    /// <summary>The master user needs the privileges of (and SET ROLE to) this role for a change in the plan.</summary>
    public void NeedActAs(string role)
    {
        if (!_actAs.Contains(role)) _actAs.Add(role);
    }

    /// <summary>A grant that exists only for the length of the transaction (begin after memberships, end last).</summary>
    public void AddTemporary(Change begin, Change end) => _temporary.Add((begin, end));

    /// <summary>Something the master cannot change: reported with the SQL a superuser must run, never planned.</summary>
    public void AddFinding(Finding finding)
    {
        if (!_findings.Contains(finding)) _findings.Add(finding);
    }

    public bool HasChanges => _phases.Values.Any(l => l.Count > 0);

    public Plan Build(Func<string, bool> alreadyActsAs, ISet<string> droppedRoles)
    {
        var findings = _findings.ToImmutableArray();
        if (!HasChanges) return findings.IsEmpty ? Plan.Empty : new Plan(ImmutableArray<Change>.Empty, findings);
        // The memberships phase anchors the acting-as grants: after the roles exist, before anything needs them.
        _phases.TryAdd(Phase.Memberships, new List<Change>());
        var changes = ImmutableArray.CreateBuilder<Change>();
        var ends = new List<Change>();
        foreach (var (phase, list) in _phases)
        {
            if (phase == Phase.Memberships)
            {
                foreach (var role in _actAs.Where(r => !alreadyActsAs(r)))
                {
                    changes.Add(BeginActingAs(role));
                    if (!droppedRoles.Contains(role)) ends.Add(EndActingAs(role));
                }
                foreach (var (begin, end) in _temporary) { changes.Add(begin); ends.Add(end); }
            }
            changes.AddRange(list);
        }
        ends.Reverse();
        changes.AddRange(ends);
        return new Plan(changes.ToImmutable(), findings);
    }

    private Change BeginActingAs(string role) => new(
        ChangeKind.BeginActingAs,
        $"let the master user act as {role} for this transaction",
        ActAsSql(role, serverVersion));

    /// <summary>
    /// The grant that lets the master user use the privileges of, and SET ROLE to, <paramref name="role"/>:
    /// from PostgreSQL 16 a membership carries INHERIT and SET options, which must both be asked for.
    /// </summary>
    public static string ActAsSql(string role, int serverVersion) =>
        serverVersion >= 160000
            ? $"GRANT {Ident.Quote(role)} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE"
            : $"GRANT {Ident.Quote(role)} TO CURRENT_USER";

    private static Change EndActingAs(string role) => new(
        ChangeKind.EndActingAs,
        $"remove the master user's temporary membership in {role}",
        $"REVOKE {Ident.Quote(role)} FROM CURRENT_USER");
}
