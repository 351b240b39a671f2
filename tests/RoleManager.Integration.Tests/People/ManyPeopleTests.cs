using System.Text;
using RoleManager.Check;
using RoleManager.Model;
using RoleManager.Planning;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.People;

/// <summary>
/// Issue 19: checks and drops that scale with people. Many login roles with the same grants are probed (SET ROLE) once
/// per equivalence class, yet a drift on any one of them is caught and named; drops go out in chunks.
/// </summary>
public class ManyPeopleTests
{
    private const int People = 24;

    private static string Person(TestDatabase db, int i) => $"{db.Prefix}_p{i:00}";

    private static DesiredState Layout(TestDatabase db, bool dropAll = false, int people = People)
    {
        // Roles being dropped need no password (the loader asks for one under auth: password).
        // Direct grants: the case of issue 19 where every reader is in every table's ACL (grant_mode auto would put
        // 24 readers of one profile in a group role; GroupRoles/ tests that).
        var yaml = new StringBuilder($"database: {db.Name}\ngrant_mode: direct\nauth: {(dropAll ? "none" : "password")}\nschemas: [{{ name: app, owner: {db.Migrator} }}]\nroles:\n");
        yaml.AppendLine($"  - {{ name: {db.Migrator}, login: false }}");
        for (int i = 1; i <= people; i++)
            yaml.AppendLine(dropAll ? $"  - {{ name: {Person(db, i)}, drop: true }}"
                                    : $"  - {{ name: {Person(db, i)}, password_env: PEOPLE_PW, grants: [{{ schema: app, profile: readonly }}] }}");
        return Config.ConfigLoader.Load(yaml.ToString(), "people.yaml", k => k == "PEOPLE_PW" ? "people-pw-" + db.Prefix : null, new());
    }

    /// <summary>The schema owner and its tables first, then the readers: their grants go to existing tables (ON ALL).</summary>
    private static async Task<(TestDatabase Db, RunResult Readers)> AppliedAsync()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(Layout(db, people: 0));
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"SET ROLE {db.Migrator}; " +
                                        "CREATE TABLE app.t1 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY); CREATE TABLE app.t2 (id int); RESET ROLE");
        return (db, await db.ApplyAsync(Layout(db)));
    }

    private static async Task<CheckResult> CheckAsync(TestDatabase db)
    {
        var (_, check) = await db.Engine().CheckAsync(Layout(db), new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        return check;
    }

    private static string Failed(CheckResult check) => string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}"));

    [Fact]
    public async Task Many_readers_pass_with_their_own_assertions_each_and_one_set_role_probe_for_the_class()
    {
        var (db, _) = await AppliedAsync();
        var check = await CheckAsync(db);
        Assert.True(check.Passed, Failed(check));
        for (int i = 1; i <= People; i++)
        {
            string p = Person(db, i);
            Assert.Contains(check.Assertions, a => a.Role == p && a.Name.StartsWith("logs in") && a.Passed);
            Assert.Contains(check.Assertions, a => a.Role == p && a.Name == "cannot create in schema public" && a.Passed);
            Assert.Contains(check.Assertions, a => a.Role == p && a.Name == "may do exactly what is declared on the objects of schema app" && a.Passed);
        }
        // The behaviour probe runs as the class's first role and says whom else it stands for.
        var insert = Assert.Single(check.Assertions, a => a.Name == "cannot insert into a table in schema app");
        Assert.Equal(Person(db, 1), insert.Role);
        Assert.Contains($"{People - 1} roles", insert.Detail);
        // Logins ran in parallel, their assertions still in declared order.
        var logins = check.Assertions.Where(a => a.Name.StartsWith("logs in")).Select(a => a.Role).ToList();
        Assert.Equal(Enumerable.Range(1, People).Select(i => Person(db, i)), logins);
    }

    public static TheoryData<string, string> Drifts() => new()
    {
        // sabotage of one reader among many ({p}: that reader), what its own assertion must say
        { "GRANT INSERT ON app.t2 TO {p}", "table app.t2: INSERT allowed but not declared" },
        { "REVOKE SELECT ON app.t1 FROM {p}", "table app.t1: SELECT declared but refused" },
        { "GRANT CREATE ON SCHEMA app TO {p}", "schema: CREATE allowed but not declared" },
        { "GRANT UPDATE (id) ON app.t2 TO {p}", "table app.t2: UPDATE on some columns allowed but not declared" },
    };

    [Theory]
    [MemberData(nameof(Drifts))]
    public async Task A_drift_on_one_reader_among_many_fails_the_check_naming_that_reader_only(string sabotage, string detail)
    {
        var (db, _) = await AppliedAsync();
        string victim = Person(db, 17); // not the class representative
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, sabotage.Replace("{p}", victim));

        var check = await CheckAsync(db);

        Assert.False(check.Passed);
        var own = Assert.Single(check.Failures, f => f.Name == "may do exactly what is declared on the objects of schema app");
        Assert.Equal(victim, own.Role);
        Assert.Contains(detail, own.Detail);
        // Apart from that and the drift the planner sees, nothing fails: no other reader is blamed.
        Assert.All(check.Failures, f => Assert.True(f.Role == victim || f.Role == "*", $"{f.Role}: {f.Name}: {f.Detail}"));
    }

    [Fact]
    public async Task Dropping_many_roles_is_a_few_statements_naming_the_count_and_leaves_no_role_or_grant()
    {
        var (db, _) = await AppliedAsync();
        var result = await db.ApplyAsync(Layout(db, dropAll: true));

        var drop = Assert.Single(result.Plan.Changes, c => c.Sql.StartsWith("DROP ROLE"));
        Assert.Equal($"drop {People} roles ({Person(db, 1)}, {Person(db, 2)}, {Person(db, 3)} and {People - 3} more)", drop.Description);
        Assert.Single(result.Plan.Changes, c => c.Sql.StartsWith("DROP OWNED BY"));
        Assert.DoesNotContain(result.Plan.Changes, c => c.Sql.StartsWith("REASSIGN OWNED BY")); // they own nothing
        Assert.True(result.Plan.Changes.Length < 20, string.Join("\n", result.Plan.Changes.Select(c => c.Description)));
        await using var su = await db.SuperuserAsync();
        Assert.Equal(0L, await TestDatabase.Scalar<long>(su, $"SELECT count(*) FROM pg_roles WHERE rolname LIKE '{db.Prefix}\\_p%'"));
        // No grant of a dropped role survives anywhere (shared dependencies point only at existing roles).
        Assert.Equal(0L, await TestDatabase.Scalar<long>(su,
            "SELECT count(*) FROM pg_shdepend WHERE refclassid = 'pg_authid'::regclass AND refobjid NOT IN (SELECT oid FROM pg_roles)"));
        Assert.True((await db.PlanAsync(Layout(db, dropAll: true))).Plan.IsEmpty);
    }

    [Fact]
    public async Task Readers_with_the_same_profile_are_granted_in_one_statement_per_kind()
    {
        var (db, readers) = await AppliedAsync();
        var tables = Assert.Single(readers.Plan.Changes, c => c.Sql.StartsWith("GRANT SELECT ON ALL TABLES IN SCHEMA"));
        Assert.StartsWith($"grant SELECT on all tables in schema app to {People} roles ({Person(db, 1)}", tables.Description);
        Assert.True((await db.PlanAsync(Layout(db))).Plan.IsEmpty);
    }
}
