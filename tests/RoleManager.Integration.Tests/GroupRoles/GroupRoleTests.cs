using RoleManager.Check;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Integration.Tests.GroupRoles;

/// <summary>
/// grant_mode on a real server (docs/group-roles.md): readers get a profile through one generated NOLOGIN group role
/// per (schema, profile), so adding a reader is a membership, not a rewrite of every object's ACL; switching modes
/// converges both ways; a role of the group's name that RoleManager did not create is never taken over.
/// </summary>
public sealed class GroupRoleTests
{
    private static string Reader(TestDatabase db, int i) => $"{db.Prefix}_reader{i}";

    private static string Group(TestDatabase db) => RoleManager.Config.GroupRoles.Name(db.Name, "app", Profile.ReadOnly, false);

    private static DesiredState Layout(TestDatabase db, int readers, string mode, string extraRoles = "")
    {
        var lines = string.Concat(Enumerable.Range(1, readers).Select(i =>
            $"  - {{ name: {Reader(db, i)}, password_env: R{i}, grants: [{{ schema: app, profile: readonly }}] }}\n"));
        var yaml = $"""
            database: {db.Name}
            auth: password
            grant_mode: {mode}
            schemas: [{"{"} name: app, owner: {db.Migrator} {"}"}]
            roles:
              - {"{"} name: {db.Migrator}, password_env: M, search_path: [app] {"}"}
              - {"{"} name: {db.App}, password_env: A, search_path: [app], grants: [{"{"} schema: app, profile: readwrite {"}"}] {"}"}
            {lines}{extraRoles}
            """;
        return ConfigLoader.Load(yaml, "groups.yaml", name => name switch
        {
            "M" => TestDatabase.Password(db.Migrator),
            "A" => TestDatabase.Password(db.App),
            _ when name.StartsWith('R') => TestDatabase.Password(Reader(db, int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture))),
            _ => null,
        }, new());
    }

    /// <summary>Applies <paramref name="layout"/>, then migrator creates tables, a sequence and a function in app.</summary>
    private static async Task ApplyThenCreateObjectsAsync(TestDatabase db, DesiredState layout, int tables = 12)
    {
        await db.ApplyAsync(layout);
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, $"SET ROLE \"{db.Migrator}\"; " +
            string.Concat(Enumerable.Range(1, tables).Select(i => $"CREATE TABLE app.t{i} (id int); ")) +
            "CREATE SEQUENCE app.s1; CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; RESET ROLE");
    }

    private static async Task<CheckResult> CheckAsync(TestDatabase db, DesiredState desired)
    {
        var (_, check) = await db.Engine().CheckAsync(desired, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        return check;
    }

    private static async Task AssertConvergedAsync(TestDatabase db, DesiredState desired, string when)
    {
        var check = await CheckAsync(db, desired);
        Assert.True(check.Passed, $"{when}:\n" + string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
        var again = await db.PlanAsync(desired);
        Assert.True(again.Plan.IsEmpty, $"{when}, the second plan is not empty:\n" + string.Join("\n", again.Plan.Changes.Select(c => c.Sql)));
    }

    /// <summary>On 16+ a membership in a generated group is granted WITH INHERIT TRUE (the privileges must flow whatever the defaults).</summary>
    private static string Inherit(TestDatabase db) => db.Server.VersionNum >= 160000 ? " WITH INHERIT TRUE" : "";

    [Fact]
    public async Task Three_readers_in_groups_mode_apply_pass_the_check_and_the_second_plan_is_empty()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = Layout(db, 3, "groups");
        // The objects exist before the readers (and their group) do: the group must be granted what is already there.
        await ApplyThenCreateObjectsAsync(db, Layout(db, 0, "groups"));

        var result = await db.ApplyAsync(desired);

        // The existing tables are granted to the group once, never to a reader.
        Assert.Contains(result.Plan.Changes, c => c.Sql == $"GRANT SELECT ON ALL TABLES IN SCHEMA \"app\" TO \"{Group(db)}\"");
        Assert.DoesNotContain(result.Plan.Changes, c => c.Kind is ChangeKind.GrantObjects or ChangeKind.GrantSchema or ChangeKind.GrantDefault
                                                        && c.Sql.Contains("_reader", StringComparison.Ordinal));
        await AssertConvergedAsync(db, desired, "groups mode");
        await using var su = await db.SuperuserAsync();
        Assert.Equal("RoleManager group role: readonly on schema app in database " + db.Name,
            await TestDatabase.Scalar<string>(su, $"SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = '{Group(db)}'"));
        Assert.False(await TestDatabase.Scalar<bool>(su, $"SELECT rolcanlogin FROM pg_roles WHERE rolname = '{Group(db)}'"));
        // The readers read through the group, as themselves.
        await using var reader = await db.LoginAsync(Reader(db, 2));
        Assert.Equal(0L, await TestDatabase.Scalar<long>(reader, "SELECT count(*) FROM app.t7"));
        Assert.Equal("42501", await TestDatabase.SqlStateOf(reader, "INSERT INTO app.t7 VALUES (1)"));
        // docs/group-roles.md: "report shows the path alice → appdb_app_readonly" (here reader2 → the group).
        var report = await RoleManager.Audit.AuditReporter.ReportAsync(new RoleManager.Connect.NpgsqlConnectionFactory(db.MasterSettings), RoleManager.Audit.DeclaredLayout.From(desired),
            DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.Equal([$"via membership {Reader(db, 2)} → {Group(db)}"], report.Access
            .Where(e => e.Role == Reader(db, 2) && e.On.Kind == "table" && !e.On.Future && e.Privileges.Contains("SELECT"))
            .Select(e => e.Path.Text).Distinct());
    }

    [Fact]
    public async Task A_fourth_reader_is_one_membership_and_no_grant_on_any_table()
    {
        var db = await TestDatabase.CreateAsync();
        await ApplyThenCreateObjectsAsync(db, Layout(db, 3, "groups"));
        await db.ApplyAsync(Layout(db, 3, "groups"));

        var four = Layout(db, 4, "groups");
        var result = await db.ApplyAsync(four);

        string reader = Reader(db, 4);
        var statements = result.Plan.Changes.Where(c => c.Kind is not (ChangeKind.BeginActingAs or ChangeKind.EndActingAs)).ToList();
        Assert.Equal(
        [
            ChangeKind.CreateRole, // CREATE ROLE ... LOGIN ... PASSWORD '********'
            ChangeKind.GrantMembership,
            ChangeKind.GrantDatabase,
        ], statements.Select(c => c.Kind));
        Assert.Equal($"GRANT \"{Group(db)}\" TO \"{reader}\"{Inherit(db)}", Assert.Single(statements, c => c.Kind == ChangeKind.GrantMembership).Sql);
        Assert.DoesNotContain(result.Plan.Changes, c => c.Kind is ChangeKind.GrantObjects or ChangeKind.GrantDefault or ChangeKind.GrantSchema);
        await AssertConvergedAsync(db, four, "after the fourth reader");
    }

    [Fact]
    public async Task Switching_direct_to_groups_to_direct_converges_with_the_check_passing_each_time()
    {
        var db = await TestDatabase.CreateAsync();
        await ApplyThenCreateObjectsAsync(db, Layout(db, 3, "direct"));
        var direct = Layout(db, 3, "direct");
        await db.ApplyAsync(direct);
        await AssertConvergedAsync(db, direct, "direct");

        var groups = Layout(db, 3, "groups");
        var toGroups = await db.ApplyAsync(groups);
        Assert.Contains(toGroups.Plan.Changes, c => c.Sql == $"REVOKE SELECT ON ALL TABLES IN SCHEMA \"app\" FROM \"{Reader(db, 1)}\"");
        Assert.Contains(toGroups.Plan.Changes, c => c.Sql == $"GRANT \"{Group(db)}\" TO \"{Reader(db, 1)}\"{Inherit(db)}");
        await AssertConvergedAsync(db, groups, "direct → groups");

        var back = await db.ApplyAsync(direct);
        // From 16 the revocation names its grantor (GRANTED BY), so it takes exactly the row the master granted.
        Assert.Contains(back.Plan.Changes, c => c.Sql.StartsWith($"REVOKE \"{Group(db)}\" FROM \"{Reader(db, 1)}\"", StringComparison.Ordinal));
        // Readers with the same privileges share one GRANT ... ON ALL statement (issue 19: one catalog rewrite, not one per reader).
        Assert.Contains(back.Plan.Changes, c => c.Sql.StartsWith("GRANT SELECT ON ALL TABLES IN SCHEMA \"app\" TO ", StringComparison.Ordinal)
                                                && c.Sql.Contains($"\"{Reader(db, 1)}\"", StringComparison.Ordinal));
        await AssertConvergedAsync(db, direct, "groups → direct");

        // The group is left alone (undeclared roles are never touched) until the config says to drop it.
        var dropped = await db.ApplyAsync(Layout(db, 3, "direct", $"  - {{ name: {Group(db)}, login: false, drop: true }}\n"));
        Assert.Contains(dropped.Plan.Changes, c => c.Sql == $"DROP ROLE \"{Group(db)}\"");
        await using var su = await db.SuperuserAsync();
        Assert.False(await TestDatabase.Scalar<bool>(su, $"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Group(db)}')"));
    }

    [Fact]
    public async Task Auto_mode_keeps_one_reader_direct_and_moves_to_a_group_at_the_second()
    {
        var db = await TestDatabase.CreateAsync();
        var one = Layout(db, 1, "auto");
        await ApplyThenCreateObjectsAsync(db, one);
        var first = await db.ApplyAsync(one);
        Assert.DoesNotContain(first.Plan.Changes, c => c.Sql.Contains(Group(db), StringComparison.Ordinal));
        await AssertConvergedAsync(db, one, "auto, one reader");

        var two = Layout(db, 2, "auto");
        await db.ApplyAsync(two);
        await AssertConvergedAsync(db, two, "auto, two readers");
        Assert.Contains(two.Roles, r => r.Name == Group(db));
    }

    [Fact]
    public async Task A_role_of_the_group_name_that_is_not_ours_stops_the_plan_and_nothing_changes()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(Layout(db, 0, "direct"));
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, $"CREATE ROLE \"{Group(db)}\" LOGIN");
        string before = await db.SnapshotAsync();

        var ex = await Assert.ThrowsAsync<PlanException>(() => db.ApplyAsync(Layout(db, 2, "groups")));

        Assert.Contains($"Role \"{Group(db)}\" already exists and is not RoleManager's group role", ex.Message);
        Assert.Equal(before, await db.SnapshotAsync());
        Assert.True(await TestDatabase.Scalar<bool>(su, $"SELECT rolcanlogin FROM pg_roles WHERE rolname = '{Group(db)}'"));
        await TestDatabase.Exec(su, $"DROP ROLE \"{Group(db)}\"");
    }
}
