using RoleManager.Audit;
using RoleManager.Connect;

namespace RoleManager.Integration.Tests.Report;

public sealed class ReportOracleTests
{
    private static async Task<(AuditScenario Scenario, AuditReport Report)> ReportAsync()
    {
        var scenario = await AuditScenario.CreateAsync();
        if (scenario.Unsupported) return (scenario, null!);
        var report = await AuditReporter.ReportAsync(new NpgsqlConnectionFactory(scenario.Db.MasterSettings), scenario.Declared,
            DateTimeOffset.UnixEpoch, CancellationToken.None);
        return (scenario, report);
    }

    [Fact]
    public async Task The_report_agrees_with_PostgreSQLs_has_privilege_functions_for_every_role_object_and_privilege()
    {
        var (scenario, report) = await ReportAsync();
        if (scenario.Unsupported) return; // the scenario needs pg_read_all_data / pg_write_all_data (PostgreSQL 14+)
        var roles = report.Roles.Select(r => r.Name).Where(scenario.IsOurs).ToList();
        await using var su = await scenario.Db.SuperuserAsync();
        var answers = await PrivilegeOracle.AskAsync(su, roles, scenario.Db.Server.VersionNum);

        var disagreements = answers.Where(a => PrivilegeOracle.ReportSays(report, a) != a.Has).Select(a => a.ToString()).ToList();
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {answers.Count} answers disagree:\n" + string.Join("\n", disagreements.Take(40)));
        // The oracle did look at the interesting cases, not an empty database.
        Assert.True(answers.Count > 1000, $"only {answers.Count} questions asked");
        Assert.Contains(answers, a => a.Has && a.Role == scenario.R("bob") && a.Kind == "table" && a.Privilege == "DELETE");
        Assert.Contains(answers, a => a.Has && a.Role == scenario.R("alice") && a.Kind == "column" && a.Privilege == "UPDATE");
    }

    [Fact]
    public async Task The_report_names_each_path_exactly()
    {
        var (scenario, report) = await ReportAsync();
        if (scenario.Unsupported) return; // the scenario needs pg_read_all_data / pg_write_all_data (PostgreSQL 14+)
        string Path(string role, string kind, string name, string privilege, bool needsSetRole = false) =>
            string.Join(" | ", report.Access.Where(e => e.Role == role && e.On.Kind == kind && !e.On.Future && e.NeedsSetRole == needsSetRole
                && (e.On.All || e.On.Names.Contains(name)) && e.Privileges.Contains(privilege)).Select(e => e.Path.Text).Distinct().Order());

        Assert.Equal($"via membership {scenario.R("alice")} → {scenario.R("readers")}", Path(scenario.R("alice"), "table", "t1", "SELECT"));
        Assert.Equal($"via membership {scenario.R("frank")} → {scenario.R("nested")} → {scenario.R("readers")}", Path(scenario.R("frank"), "table", "t1", "SELECT"));
        Assert.Equal($"via predefined role pg_write_all_data: {scenario.R("bob")} → {scenario.R("writers")} → pg_write_all_data", Path(scenario.R("bob"), "table", "t2", "DELETE"));
        Assert.Equal($"via predefined role pg_read_all_data: {scenario.R("dave")} → pg_read_all_data", Path(scenario.R("dave"), "table", "t2", "SELECT"));
        Assert.Equal("granted to PUBLIC", Path(PrivilegeGraph.PublicName, "table", "t1", "INSERT"));
        Assert.Equal("granted to PUBLIC", Path(PrivilegeGraph.PublicName, "routine", "f(a integer)", "EXECUTE"));
        Assert.Equal("granted directly", Path(scenario.R("alice"), "column", "t2.v", "UPDATE"));
        Assert.Equal("as owner", Path(scenario.R("owner"), "table", "t2", "OWN"));
        Assert.Equal("as owner", Path(scenario.R("app"), "table", "t3", "OWN"));
        // carol is NOINHERIT: she reaches readers' privileges only after SET ROLE, which has_table_privilege does not count.
        Assert.Equal("", Path(scenario.R("carol"), "table", "t1", "SELECT"));
        Assert.Equal($"via membership {scenario.R("carol")} → {scenario.R("readers")}", Path(scenario.R("carol"), "table", "t1", "SELECT", needsSetRole: true));
        // The database owner (the master) owns schema public on 15+ through pg_database_owner (not where a superuser
        // owns public, as in a database upgraded from 14: then nobody but that superuser does).
        if (scenario.Db.Server.VersionNum >= 150000 && !scenario.Db.Server.PublicOwnedBySuperuser)
            Assert.Equal($"via membership {RoleManager.Testing.PostgresServer.MasterUser} → pg_database_owner (owner)",
                Path(RoleManager.Testing.PostgresServer.MasterUser, "schema", "public", "OWN"));
        else if (scenario.Db.Server.PublicOwnedBySuperuser)
            Assert.Equal("", Path(RoleManager.Testing.PostgresServer.MasterUser, "schema", "public", "OWN"));

        var future = report.Access.Where(e => e.On.Future && e.On.Schema == "app" && e.On.CreatedBy == scenario.R("owner")).ToList();
        Assert.Contains(future, e => e.Role == scenario.R("alice") && e.On.Kind == "table" && e.Privileges.Contains("SELECT")
            && e.Path.Text == $"default privileges of {scenario.R("owner")} (in schema app) granting {scenario.R("readers")}, via membership {scenario.R("alice")} → {scenario.R("readers")}");
        Assert.Contains(future, e => e.Role == scenario.R("app") && e.On.Kind == "sequence" && e.Privileges.Contains("USAGE") && e.Path.DefaultsScope == "global");
        Assert.Contains(future, e => e.Role == PrivilegeGraph.PublicName && e.On.Kind == "routine" && e.Privileges.Contains("EXECUTE") && e.Path.DefaultsScope == "built-in default");
    }
}
