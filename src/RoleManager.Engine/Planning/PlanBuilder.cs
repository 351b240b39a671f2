using System.Collections.Immutable;
using RoleManager.Sql;

namespace RoleManager.Planning;

/// <summary>
/// Collects changes by phase while the planner walks the desired state, and records which roles the
/// master user must act for. <see cref="Build"/> orders the phases so that every statement runs after
/// what it depends on (roles before grants, memberships before acting, schemas before extensions, drops last).
/// </summary>
/// <remarks>
/// The planners call <c>ActAs(owner)</c> for the owners a change needs, then add the change(s). Such a run of
/// acting-as calls followed by a run of additions is a unit: when one of its owners is a superuser
/// (<see cref="CannotActAs"/>), the master never acts as it, so the unit's changes are not planned but turned into
/// a <see cref="Finding"/> with their exact SQL, and the rest of the plan still applies.
/// </remarks>
internal sealed class PlanBuilder(int serverVersion)
{
    internal enum Phase { CreateRoles, AlterRoles, Memberships, Database, Schemas, Extensions, SchemaPrivileges, ObjectPrivileges, DefaultPrivileges, Drops }

    private readonly SortedDictionary<Phase, List<Change>> _phases = new();
    private readonly List<string> _actAs = new();
    private readonly HashSet<string> _actAsSet = new(StringComparer.Ordinal); // _actAs, for lookups (thousands of dropped roles)
    private readonly List<(Change Begin, Change End)> _temporary = new();
    private readonly List<Finding> _findings = new();

    // The current unit: the acting-as it asked for, the superuser that blocks it (if any), and what it diverted.
    private readonly List<string> _unitActAs = new();
    private bool _unitHasChanges;
    private string? _unitBlockedBy;
    private Func<IReadOnlyList<Change>, string>? _unitSubject;
    private string? _unitWhy;
    private readonly List<Change> _unitDiverted = new();
    private Phase? _unitPhase;

    public void Add(Phase phase, Change change)
    {
        // A unit's changes share a phase: a change of another phase starts a new unit (nothing of a blocked one leaks).
        if (_unitPhase is { } unitPhase && unitPhase != phase) CloseUnit();
        _unitPhase = phase;
        if (!Admit(change)) return;
        if (!_phases.TryGetValue(phase, out var list))
            _phases[phase] = list = new List<Change>();
        list.Add(change);
    }

    /// <summary>The master user needs the privileges of (and SET ROLE to) this role for a change in the plan.</summary>
    public void NeedActAs(string role)
    {
        StartUnitIfDone();
        if (!_unitActAs.Contains(role)) _unitActAs.Add(role);
    }

    /// <summary>The next change(s) need the privileges of a role the master already has (itself): a new unit all the same.</summary>
    public void NeedNoActAs() => StartUnitIfDone();

    /// <summary>
    /// The next change(s) need the privileges of <paramref name="superuser"/>, which the master never takes:
    /// they become a finding about <paramref name="subject"/> instead.
    /// </summary>
    /// <param name="why">What stops the master, ending in a verb's place ("…, so it cannot"); by default, a superuser owns it.</param>
    public void CannotActAs(string superuser, Func<IReadOnlyList<Change>, string> subject, string? why = null)
    {
        StartUnitIfDone();
        _unitBlockedBy ??= superuser;
        _unitSubject ??= subject;
        _unitWhy ??= why;
    }

    /// <summary>A grant that exists only for the length of the transaction (begin after memberships, end last).</summary>
    public void AddTemporary(Change begin, Change end)
    {
        if (Admit(begin)) _temporary.Add((begin, end));
    }

    /// <summary>Something the master cannot change: reported with the SQL a superuser must run, never planned.</summary>
    public void AddFinding(Finding finding)
    {
        if (!_findings.Contains(finding)) _findings.Add(finding);
    }

    public bool HasChanges => _phases.Values.Any(l => l.Count > 0);

    /// <summary>True when the change is planned; false when its unit needs a superuser (then it is kept for the finding).</summary>
    private bool Admit(Change change)
    {
        _unitHasChanges = true;
        if (_unitBlockedBy is not null)
        {
            _unitDiverted.Add(change);
            return false;
        }
        foreach (var role in _unitActAs.Where(_actAsSet.Add)) _actAs.Add(role);
        return true;
    }

    private void StartUnitIfDone()
    {
        if (!_unitHasChanges) return;
        CloseUnit();
    }

    private void CloseUnit()
    {
        if (_unitBlockedBy is { } superuser && _unitDiverted.Count > 0)
        {
            string subject = _unitSubject?.Invoke(_unitDiverted) ?? $"objects of {superuser}";
            AddFinding(new Finding(subject,
                $"{subject} {_unitWhy ?? $"belongs to the superuser \"{superuser}\", and the master user never acts as a superuser, so it cannot"} " +
                $"{string.Join("; ", _unitDiverted.Select(c => c.Description))}. A superuser must run the statement(s) shown.",
                string.Join("\n", _unitDiverted.Select(c => c.Sql + ";"))));
        }
        _unitActAs.Clear();
        _unitDiverted.Clear();
        _unitHasChanges = false;
        _unitBlockedBy = null;
        _unitSubject = null;
        _unitWhy = null;
        _unitPhase = null;
    }

    public Plan Build(Func<string, ActingAs> actingAs, ISet<string> droppedRoles)
    {
        CloseUnit();
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
