using System.Collections.Immutable;
using RoleManager.Sql;

namespace RoleManager.Planning;

/// <summary>
/// Collects changes by phase while the planner walks the desired state, and records which roles the
/// master user must act for. <see cref="Build"/> orders the phases so that every statement runs after
/// what it depends on (roles before grants, memberships before acting, schemas before extensions, drops last).
/// </summary>
/// <remarks>
/// What an acting-as covers is explicit: a planner opens a unit (<c>using var unit = context.Builder.BeginUnit();</c>),
/// says which owners its changes need (<c>context.ActAs(owner)</c>) and adds them, in any order; the unit is decided when
/// it is disposed. When one of its owners is a superuser (<see cref="CannotActAs"/>), the master never acts as it, so the
/// unit's changes are not planned but turned into a <see cref="Finding"/> with their exact SQL, and the rest of the plan
/// still applies. A change added outside a unit needs no acting-as.
/// </remarks>
internal sealed class PlanBuilder(int serverVersion)
{
    /// <summary>
    /// The order changes run in. ObjectOwners comes after SchemaPrivileges: PostgreSQL makes a role an object's owner
    /// (ALTER … OWNER TO, by a non-superuser) only when it holds CREATE on the object's schema, which an owner that
    /// revoked it from itself gets back there (ObjectHandOverTests).
    /// </summary>
    internal enum Phase { CreateRoles, AlterRoles, Memberships, Database, Schemas, Extensions, SchemaPrivileges, ObjectOwners, ObjectPrivileges, DefaultPrivileges, Drops }

    private readonly SortedDictionary<Phase, List<Change>> _phases = new();
    private readonly List<string> _actAs = new();
    private readonly HashSet<string> _actAsSet = new(StringComparer.Ordinal); // _actAs, for lookups (thousands of dropped roles)
    private readonly List<(Change Begin, Change End)> _temporary = new();
    private readonly List<Finding> _findings = new();
    private Unit? _open;

    /// <summary>
    /// Changes that need the same acting-as: planned together, or (when an owner is a superuser or cannot be acted as)
    /// together turned into one finding. Decided when disposed, so the order of the calls inside does not matter.
    /// </summary>
    internal sealed class Unit(PlanBuilder builder) : IDisposable
    {
        internal readonly List<string> ActAs = new();
        internal readonly List<(Phase Phase, Change Change)> Changes = new();
        internal readonly List<(Change Begin, Change End)> Temporary = new();
        internal string? BlockedBy, Why;
        internal Func<IReadOnlyList<Change>, string>? Subject;

        /// <summary>True once an owner the master cannot act as was named: the unit's changes will be a finding.</summary>
        internal bool Blocked => BlockedBy is not null;

        public void Dispose() => builder.Close(this);
    }

    /// <summary>Opens the unit the next acting-as and changes belong to (units do not nest).</summary>
    public Unit BeginUnit()
    {
        if (_open is not null) throw new InvalidOperationException("A plan unit is already open: units do not nest.");
        return _open = new Unit(this);
    }

    public void Add(Phase phase, Change change)
    {
        if (_open is { } unit) unit.Changes.Add((phase, change));
        else Planned(phase).Add(change);
    }

    /// <summary>The master user needs the privileges of (and SET ROLE to) this role for the open unit's changes.</summary>
    public void NeedActAs(string role)
    {
        var unit = Open(nameof(NeedActAs));
        if (!unit.ActAs.Contains(role)) unit.ActAs.Add(role);
    }

    /// <summary>The open unit's changes need the privileges of a role the master already has (itself): nothing to grant.</summary>
    public void NeedNoActAs() => Open(nameof(NeedNoActAs));

    /// <summary>
    /// The open unit's changes need the privileges of <paramref name="superuser"/>, which the master never takes:
    /// they become a finding about <paramref name="subject"/> instead.
    /// </summary>
    /// <param name="why">What stops the master, ending in a verb's place ("…, so it cannot"); by default, a superuser owns it.</param>
    public void CannotActAs(string superuser, Func<IReadOnlyList<Change>, string> subject, string? why = null)
    {
        var unit = Open(nameof(CannotActAs));
        unit.BlockedBy ??= superuser;
        unit.Subject ??= subject;
        unit.Why ??= why;
    }

    /// <summary>A grant that exists only for the length of the transaction (begin after memberships, end last).</summary>
    public void AddTemporary(Change begin, Change end)
    {
        if (_open is { } unit) unit.Temporary.Add((begin, end));
        else _temporary.Add((begin, end));
    }

    /// <summary>Something the master cannot change: reported with the SQL a superuser must run, never planned.</summary>
    public void AddFinding(Finding finding)
    {
        if (!_findings.Contains(finding)) _findings.Add(finding);
    }

    public bool HasChanges => _phases.Values.Any(l => l.Count > 0);

    private Unit Open(string call) =>
        _open ?? throw new InvalidOperationException($"{call} outside a plan unit: open one with BeginUnit() around the changes it covers.");

    private List<Change> Planned(Phase phase)
    {
        if (!_phases.TryGetValue(phase, out var list)) _phases[phase] = list = new List<Change>();
        return list;
    }

    private void Close(Unit unit)
    {
        if (!ReferenceEquals(_open, unit)) throw new InvalidOperationException("A plan unit was closed twice or out of order.");
        _open = null;
        if (unit.BlockedBy is { } superuser)
        {
            // The temporary grants' begins are what the superuser would run; their ends undo them.
            var diverted = unit.Temporary.Select(t => t.Begin).Concat(unit.Changes.Select(c => c.Change)).ToList();
            if (diverted.Count == 0) return;
            string subject = unit.Subject?.Invoke(diverted) ?? $"objects of {superuser}";
            AddFinding(new Finding(subject,
                $"{subject} {unit.Why ?? $"belongs to the superuser \"{superuser}\", and the master user never acts as a superuser, so it cannot"} " +
                $"{string.Join("; ", diverted.Select(c => c.Description))}. A superuser must run the statement(s) shown.",
                string.Join("\n", diverted.Select(c => c.Sql + ";"))));
            return;
        }
        if (unit.Changes.Count + unit.Temporary.Count == 0) return;
        foreach (var role in unit.ActAs.Where(_actAsSet.Add)) _actAs.Add(role);
        _temporary.AddRange(unit.Temporary);
        foreach (var (phase, change) in unit.Changes) Planned(phase).Add(change);
    }

    public Plan Build(Func<string, ActingAs> actingAs, ISet<string> droppedRoles)
    {
        if (_open is not null) throw new InvalidOperationException("A plan unit was left open: dispose it before the plan is built.");
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
                var dropping = new List<string>();
                foreach (var role in _actAs)
                {
                    var how = actingAs(role);
                    if (how.Kind == ActingAsKind.Already) continue;
                    // A role about to be dropped needs no end: its memberships go with it, so its grants can share one statement.
                    if (droppedRoles.Contains(role)) { dropping.Add(role); continue; }
                    changes.Add(BeginActingAs(role));
                    ends.Add(EndActingAs(role, how));
                }
                foreach (var chunk in dropping.Chunk(RolePlanner.DropChunk))
                    changes.Add(chunk.Length == 1 ? BeginActingAs(chunk[0]) : BeginActingAsAll(chunk));
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
        ActAsSql(role, serverVersion)) { Log = new(Role: role) };

    private Change BeginActingAsAll(IReadOnlyList<string> roles) => new(
        ChangeKind.BeginActingAs,
        $"let the master user act as {RolePlanner.Who(roles)} for this transaction (to drop them)",
        ActAsSql(roles, serverVersion));

    /// <summary>
    /// The grant that lets the master user use the privileges of, and SET ROLE to, <paramref name="role"/>:
    /// from PostgreSQL 16 a membership carries INHERIT and SET options, which must both be asked for.
    /// </summary>
    public static string ActAsSql(string role, int serverVersion) =>
        serverVersion >= 160000
            ? $"GRANT {Ident.Quote(role)} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE"
            : $"GRANT {Ident.Quote(role)} TO CURRENT_USER";

    /// <summary><see cref="ActAsSql(string, int)"/> for several roles in one statement (GRANT takes a role list).</summary>
    public static string ActAsSql(IReadOnlyList<string> roles, int serverVersion) =>
        roles.Count == 1 ? ActAsSql(roles[0], serverVersion)
        : serverVersion >= 160000
            ? $"GRANT {string.Join(", ", roles.Select(Ident.Quote))} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE"
            : $"GRANT {string.Join(", ", roles.Select(Ident.Quote))} TO CURRENT_USER";

    /// <summary>
    /// Undoes exactly what <see cref="BeginActingAs"/> added: a REVOKE when the master had no membership granted by
    /// itself, else a GRANT that puts back the options that membership had (REVOKE would delete it).
    /// </summary>
    private static Change EndActingAs(string role, ActingAs how) => how.Kind == ActingAsKind.GrantThenRestore
        ? new(ChangeKind.EndActingAs,
            $"put the master user's membership in {role} back as it was (inherit {Word(how.Inherit)}, set {Word(how.Set)})",
            $"GRANT {Ident.Quote(role)} TO CURRENT_USER WITH INHERIT {Word(how.Inherit).ToUpperInvariant()}, SET {Word(how.Set).ToUpperInvariant()}") { Log = new(Role: role) }
        : new(ChangeKind.EndActingAs,
            $"remove the master user's temporary membership in {role}",
            $"REVOKE {Ident.Quote(role)} FROM CURRENT_USER") { Log = new(Role: role) };

    private static string Word(bool value) => value ? "true" : "false";
}
