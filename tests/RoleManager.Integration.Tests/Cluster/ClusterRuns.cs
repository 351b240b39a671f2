using RoleManager.Check;
using RoleManager.Config;
using RoleManager.Model;

namespace RoleManager.Integration.Tests.Cluster;

/// <summary>
/// What the cluster tests share: a second database of the same cluster whose configs name the same (cluster-wide) roles,
/// a layout loader whose passwords follow the role names, and the assertion that a database is converged — its check
/// passes and its plan is empty — whichever database was applied last.
/// </summary>
internal static class ClusterRuns
{
    /// <summary>Another database on <paramref name="db"/>'s server whose layouts use the same role names (the same prefix).</summary>
    public static Task<TestDatabase> NeighbourAsync(TestDatabase db) => TestDatabase.CreateAsync(db.Server, db.Prefix);

    /// <summary>A YAML layout; each <c>password_env</c> names the role whose password it holds (<see cref="TestDatabase.Password"/>).</summary>
    public static DesiredState Load(string yaml) => ConfigLoader.Load(yaml, "cluster.yaml", TestDatabase.Password, new());

    /// <summary>
    /// One database's layout: schema app owned by the migrator, the app role reading and writing it, then
    /// <paramref name="moreRoles"/> (YAML flow items, each further one on a line of its own starting "  - ").
    /// </summary>
    public static DesiredState AppLayout(TestDatabase db, string moreRoles) => Load($$"""
        database: {{db.Name}}
        auth: password
        schemas: [{ name: app, owner: {{db.Migrator}} }]
        roles:
          - { name: {{db.Migrator}}, password_env: {{db.Migrator}}, search_path: [app] }
          - { name: {{db.App}}, password_env: {{db.App}}, search_path: [app], grants: [{ schema: app, profile: readwrite }] }
          - {{moreRoles}}
        """);

    public static async Task<CheckResult> CheckAsync(TestDatabase db, DesiredState desired)
    {
        var (_, check) = await db.Engine().CheckAsync(desired, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        return check;
    }

    public static async Task AssertConvergedAsync(TestDatabase db, DesiredState desired, string when)
    {
        var plan = (await db.PlanAsync(desired)).Plan;
        Assert.True(plan.IsConverged, $"{when}: the plan of {db.Name} is not empty:\n" + string.Join("\n", plan.Changes.Select(c => c.Sql).Concat(plan.Findings.Select(f => f.Problem))));
        var check = await CheckAsync(db, desired);
        Assert.True(check.Passed, $"{when}: the check of {db.Name} fails:\n" + string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
    }

    /// <summary>The role's settings as pg_db_role_setting holds them: <c>(database or "*", name=value)</c>, sorted.</summary>
    public static async Task<List<string>> SettingsAsync(TestDatabase db, string role)
    {
        await using var su = await db.SuperuserAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT x FROM (SELECT coalesce(d.datname, '*') || ' ' || c AS x FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) c " +
            "WHERE s.setrole = (SELECT oid FROM pg_roles WHERE rolname = $1)) t ORDER BY x COLLATE \"C\"", su);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = role });
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
