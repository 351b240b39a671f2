using RoleManager.Check;
using RoleManager.Model;

namespace RoleManager.Integration.Tests.RoundTrip;

/// <summary>
/// Grants on named tables and columns (<c>tables:</c>, <c>columns:</c>, profile <c>usage</c>): apply gives exactly them,
/// check proves them (and nothing more), and a wider hand-made grant is drift that plan shows and apply takes back.
/// </summary>
public class NamedGrantTests
{
    private static DesiredState Layout(TestDatabase db) => db.LoadLayout($$"""
        database: {{db.Name}}
        auth: password
        schemas: [{ name: app, owner: {{db.Migrator}} }]
        roles:
          - { name: {{db.Migrator}}, password_env: M }
          - { name: {{db.App}}, password_env: A, grants: [{ schema: app, profile: readwrite }] }
          - name: {{db.Reporting}}
            password_env: R
            grants:
              - schema: app
                profile: usage
                tables: [{ name: t2, privileges: [select] }]
                columns: [{ table: t1, columns: [id, s], privileges: [select] }]
        """);

    private static async Task<TestDatabase> AppliedWithTablesAsync()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(Layout(db));
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE app.t1 (id int, s text, pii text); CREATE TABLE app.t2 (id int); CREATE TABLE app.t3 (id int)");
        await db.ApplyAsync(Layout(db));
        return db;
    }

    private static async Task<CheckResult> CheckAsync(TestDatabase db) =>
        (await db.Engine().CheckAsync(Layout(db), new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None)).Check;

    private static string Failed(CheckResult check) => string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}"));

    [Fact]
    public async Task A_role_with_columns_and_one_named_table_reads_exactly_those_and_check_passes()
    {
        var db = await AppliedWithTablesAsync();
        await using (var reporting = await db.LoginAsync(db.Reporting))
        {
            Assert.Null(await TestDatabase.SqlStateOf(reporting, "SELECT id, s FROM app.t1"));
            Assert.Null(await TestDatabase.SqlStateOf(reporting, "SELECT id FROM app.t2"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(reporting, "SELECT pii FROM app.t1"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(reporting, "SELECT id FROM app.t3"));
            Assert.Equal("42501", await TestDatabase.SqlStateOf(reporting, "INSERT INTO app.t2 VALUES (1)"));
        }
        var check = await CheckAsync(db);
        Assert.True(check.Passed, Failed(check));
        Assert.True((await db.PlanAsync(Layout(db))).Plan.IsConverged);
    }

    public static TheoryData<string, string[], string> Widenings() => new()
    {
        // hand-made grant ({r} the reporting role), the plan's SQL, what check reports
        { "GRANT SELECT (pii) ON app.t1 TO {r}", ["REVOKE SELECT (\"pii\") ON TABLE \"app\".\"t1\" FROM \"{r}\""], "table app.t1: SELECT on some columns allowed but not declared" },
        { "GRANT SELECT ON app.t3 TO {r}", ["REVOKE SELECT ON TABLE \"app\".\"t3\" FROM \"{r}\""], "table app.t3: SELECT allowed but not declared" },
        // A table-level SELECT on t1 reads pii: revoked, which takes the column grants with it, so they are granted again.
        { "GRANT SELECT ON app.t1 TO {r}", ["REVOKE SELECT ON TABLE \"app\".\"t1\" FROM \"{r}\"", "GRANT SELECT (\"id\", \"s\") ON TABLE \"app\".\"t1\" TO \"{r}\""], "table app.t1: SELECT allowed but not declared" },
        { "REVOKE SELECT (s) ON app.t1 FROM {r}", ["GRANT SELECT (\"s\") ON TABLE \"app\".\"t1\" TO \"{r}\""], "table app.t1: SELECT on column s declared but refused" },
    };

    [Theory]
    [MemberData(nameof(Widenings))]
    public async Task A_hand_made_change_to_named_grants_is_drift_that_plan_shows_check_fails_and_apply_takes_back(string sql, string[] planned, string reported)
    {
        var db = await AppliedWithTablesAsync();
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, sql.Replace("{r}", db.Reporting));

        var plan = (await db.PlanAsync(Layout(db))).Plan;
        Assert.Equal([.. planned.Select(p => p.Replace("{r}", db.Reporting))],
            plan.Changes.Where(c => c.Kind is Planning.ChangeKind.GrantObjects or Planning.ChangeKind.RevokeObjects).Select(c => c.Sql));
        var check = await CheckAsync(db);
        Assert.False(check.Passed);
        Assert.Contains(check.Failures, f => f.Role == db.Reporting && f.Detail.Contains(reported));

        await db.ApplyAsync(Layout(db));
        await using (var reporting = await db.LoginAsync(db.Reporting))
        {
            Assert.Equal("42501", await TestDatabase.SqlStateOf(reporting, "SELECT pii FROM app.t1"));
            Assert.Null(await TestDatabase.SqlStateOf(reporting, "SELECT id, s FROM app.t1"));
        }
        var after = await CheckAsync(db);
        Assert.True(after.Passed, Failed(after));
    }
}
