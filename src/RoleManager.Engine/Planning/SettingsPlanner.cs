using System.Collections.Immutable;
using RoleManager.Model;
using RoleManager.Sql;
using static RoleManager.Planning.PlanBuilder;

namespace RoleManager.Planning;

/// <summary>
/// A declared role's settings, in the two scopes PostgreSQL keeps them (docs/architecture.md, "Who owns cluster-wide
/// state"): cluster-wide (<c>ALTER ROLE ... SET</c>, the config's <c>settings</c>) and in this database
/// (<c>ALTER ROLE ... IN DATABASE ... SET</c>, <c>database_settings</c> and <c>search_path</c>). In each scope the
/// declared settings are kept or set, and every other one is drift and reset; another database's per-database settings
/// are never read nor touched. The one exception is a cluster-wide <c>search_path</c>: each database's config writes the
/// role's search_path in its own database, which outranks the cluster-wide one there, so the cluster-wide one (what
/// earlier versions wrote, or what another database's users rely on) is left as it is.
/// </summary>
internal static class SettingsPlanner
{
    private const string SearchPath = "search_path";

    public static void Plan(PlanContext context, RoleSpec role, CurrentRole? current)
    {
        var kinds = current?.SettingKinds ?? ImmutableDictionary<string, SettingKind>.Empty;
        // The connected master's own settings are what it runs with: only declared ones are set on it, none is reset.
        bool resets = role.Name != context.Master;
        var global = Stored(current?.Settings).Where(s => !IsSearchPath(s.Name)).ToList();
        foreach (var change in Changes(context, role.Name, "", global, role.Settings, kinds, resets))
            context.Builder.Add(Phase.AlterRoles, change);

        string database = context.Desired.Database;
        string scope = $" IN DATABASE {Ident.Quote(database)}";
        var local = Stored(current?.DatabaseSettings);
        var changes = Changes(context, role.Name, scope, local.Where(s => !IsSearchPath(s.Name)).ToList(), role.DatabaseSettings, kinds, resets);
        if (SearchPathChange(role, local.FirstOrDefault(s => IsSearchPath(s.Name)), scope, database) is { } searchPath)
            changes.Insert(0, searchPath);
        // Everything there goes and nothing is set: one statement, as for a role that declares no per-database setting.
        if (changes.Count > 1 && changes.Count == local.Count && changes.All(c => c.Sql.Contains(" RESET ", StringComparison.Ordinal)))
            changes = [new Change(ChangeKind.AlterRole,
                $"reset the settings of role {role.Name} in database {database} ({string.Join(", ", local.Select(s => $"{s.Name}={s.Value}"))})",
                $"ALTER ROLE {Ident.Quote(role.Name)}{scope} RESET ALL")];
        foreach (var change in changes)
            context.Builder.Add(Phase.AlterRoles, change with { Log = new(Role: role.Name, Object: $"database {database}") });
    }

    /// <summary>The role's search_path in this database: the declared list, or none (a declared empty list resets it too).</summary>
    private static Change? SearchPathChange(RoleSpec role, (string Name, string Value) stored, string scope, string database)
    {
        var wanted = role.SearchPath is { IsEmpty: false } list ? list : (ImmutableArray<string>?)null;
        var have = stored.Name is null ? null : Ident.ParseIdentifierList(stored.Value);
        if (wanted is null)
            return have is null ? null : new Change(ChangeKind.AlterRole, $"reset search_path of role {role.Name} in database {database} (was {stored.Value})",
                $"ALTER ROLE {Ident.Quote(role.Name)}{scope} RESET {SearchPath}");
        if (have is not null && have.SequenceEqual(wanted.Value, StringComparer.Ordinal)) return null;
        return new Change(ChangeKind.AlterRole, $"set search_path of role {role.Name} in database {database} to {string.Join(", ", wanted.Value)}",
            $"ALTER ROLE {Ident.Quote(role.Name)}{scope} SET {SearchPath} TO {Ident.QuoteList(wanted.Value)}");
    }

    /// <summary>
    /// Resets of what is stored and not declared (when <paramref name="resets"/>), then sets of what is declared and
    /// differs. What only a superuser may change (a superuser-level or custom setting someone put there) is a finding.
    /// </summary>
    private static List<Change> Changes(PlanContext context, string role, string scope, List<(string Name, string Value)> stored,
        ImmutableSortedDictionary<string, string> declared, ImmutableDictionary<string, SettingKind> kinds, bool resets)
    {
        var changes = new List<Change>();
        string where = scope.Length == 0 ? "" : " in this database";
        string alter = $"ALTER ROLE {Ident.Quote(role)}{scope}";
        void Add(Change change, string name, string problem)
        {
            if (kinds.GetValueOrDefault(name)?.MasterMaySet ?? true) changes.Add(change);
            else context.Builder.AddFinding(new Finding($"role {role}", problem + ", and only a superuser may change it", change.Sql));
        }
        if (resets)
            foreach (var (name, value) in stored.Where(s => !declared.Keys.Any(d => Same(d, s.Name))).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase))
                Add(new Change(ChangeKind.AlterRole, $"reset {name} of role {role}{where} (was {value}; not declared)",
                    $"{alter} RESET {QuoteName(name)}") { Log = new(Role: role) }, name,
                    $"{role} has {name} = {value}{where}, which the configuration does not declare");
        foreach (var (name, value) in declared)
        {
            var have = stored.FirstOrDefault(s => Same(s.Name, name));
            if (have.Name is not null && SettingValues.Same(value, have.Value, kinds.GetValueOrDefault(name))) continue;
            Add(new Change(ChangeKind.AlterRole,
                $"set {name} = {value} on role {role}{where}{(have.Name is null ? "" : $" (was {have.Value})")}",
                $"{alter} SET {QuoteName(name)} TO {Ident.Literal(value)}") { Log = new(Role: role) }, name,
                $"{role} has {name} = {have.Value}{where} where the configuration declares {value}");
        }
        return changes;
    }

    /// <summary><c>name=value</c> entries as <c>pg_db_role_setting</c> stores them.</summary>
    private static List<(string Name, string Value)> Stored(ImmutableArray<string>? settings) =>
        (settings is { IsDefault: false } s ? s : ImmutableArray<string>.Empty)
            .Select(e => e.IndexOf('=') is var at and > 0 ? (e[..at], e[(at + 1)..]) : (e, "")).ToList();

    /// <summary>Setting names are case-insensitive for the server's own settings (it stores <c>DateStyle</c> for <c>datestyle</c>).</summary>
    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool IsSearchPath(string name) => Same(name, SearchPath);

    /// <summary>Each part quoted as stored: a custom setting keeps its case (<c>"app"."X"</c>), the server's own match without it.</summary>
    private static string QuoteName(string name) => string.Join(".", name.Split('.').Select(Ident.Quote));
}
