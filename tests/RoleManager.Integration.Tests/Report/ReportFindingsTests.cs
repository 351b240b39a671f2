using RoleManager.Audit;
using RoleManager.Connect;

namespace RoleManager.Integration.Tests.Report;

public sealed class ReportFindingsTests
{
    [Fact]
    public async Task Each_finding_names_a_fix_that_a_superuser_can_run_and_that_makes_it_go_away()
    {
        var s = await AuditScenario.CreateAsync();
        if (s.Unsupported) return; // the scenario needs pg_read_all_data / pg_write_all_data (PostgreSQL 14+)
        var factory = new NpgsqlConnectionFactory(s.Db.MasterSettings);
        bool Ours(ReportFinding f) => f.Subject.Contains(s.P + "_") || f.Subject.StartsWith("database", StringComparison.Ordinal)
            || f.Subject.Contains(" in app") || f.Subject.Contains("schema app") || f.Subject.Contains("schema other");
        var before = (await AuditReporter.ReportAsync(factory, s.Declared, DateTimeOffset.UtcNow, CancellationToken.None)).Findings.Where(Ours).ToList();

        Assert.Contains(before, f => f.Kind == "predefined-role" && f.Subject == $"role {s.R("bob")}" && f.FixSql == $"REVOKE \"pg_write_all_data\" FROM \"{s.R("writers")}\";");
        Assert.Contains(before, f => f.Kind == "predefined-role" && f.Subject == $"role {s.R("dave")}");
        Assert.Contains(before, f => f.Kind == "createrole" && f.Subject == $"role {s.R("boss")}");
        Assert.Contains(before, f => f.Kind == "unexpected-owner" && f.Problem.Contains("t3") && f.Problem.Contains(s.R("app")));
        Assert.Contains(before, f => f.Kind == "password-not-iam" && f.Subject == $"role {s.R("alice")}");
        Assert.DoesNotContain(before, f => f.Kind == "password-not-iam" && f.Subject == $"role {s.R("iam")}");
        Assert.Contains(before, f => f.Kind == "public-privilege" && f.Subject.StartsWith("database", StringComparison.Ordinal));
        Assert.Contains(before, f => f.Kind == "public-privilege" && f.Problem.Contains("INSERT") && f.Subject.Contains("t1"));
        Assert.Contains(before, f => f.Kind == "public-privilege" && f.Subject.Contains("column"));
        Assert.Contains(before, f => f.Kind == "public-privilege" && f.Subject == "schema other" && f.Problem.Contains("CREATE"));
        Assert.Contains(before, f => f.Kind == "public-privilege" && f.Subject.StartsWith("future routines", StringComparison.Ordinal));

        await using (var su = await s.Db.SuperuserAsync())
            foreach (var finding in before)
                await TestDatabase.Exec(su, finding.FixSql);

        var after = (await AuditReporter.ReportAsync(factory, s.Declared, DateTimeOffset.UtcNow, CancellationToken.None)).Findings.Where(Ours).ToList();
        Assert.True(after.Count == 0, "left after the fixes:\n" + string.Join("\n", after.Select(f => $"{f.Kind}: {f.Problem} -- {f.FixSql}")));
    }
}

public sealed class ReportNotesTests
{
    [Fact]
    public async Task The_masters_own_rds_superuser_membership_is_a_note_with_nothing_to_fix_not_a_finding()
    {
        var db = await TestDatabase.CreateAsync(); // the master is a member of rds_superuser, as on RDS
        var report = await AuditReporter.ReportAsync(new NpgsqlConnectionFactory(db.MasterSettings), DeclaredLayout.None, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.DoesNotContain(report.Findings, f => f.Subject == $"role {PostgresServer.MasterUser}");
        Assert.DoesNotContain(report.Findings, f => f.FixSql.Contains($"FROM \"{PostgresServer.MasterUser}\"", StringComparison.Ordinal));
        var note = Assert.Single(report.Notes, n => n.Subject == $"role {PostgresServer.MasterUser}");
        Assert.Equal("master-membership", note.Kind);
        Assert.Contains("rds_superuser", note.Text);
        Assert.Contains("never changes it", note.Text);

        string table = RoleManager.Audit.Render.TableRenderer.Render(report);
        Assert.Contains("Notes (nothing to fix):\n  i " + PostgresServer.MasterUser, table);
        Assert.DoesNotContain($"fix: REVOKE \"rds_superuser\" FROM \"{PostgresServer.MasterUser}\"", table);
        Assert.Contains("<h2>Notes <span class=\"muted\">(nothing to fix)</span></h2>", RoleManager.Audit.Render.HtmlRenderer.Render(report));
        Assert.Contains("## Notes (nothing to fix)", RoleManager.Audit.Render.MarkdownRenderer.Render(report));
    }

    /// <summary>
    /// docs/report.md: "a login role that inherits rds_superuser is a finding" — unlike the master's own membership. A server
    /// of its own: an rds_superuser login on the shared one would be a finding in every other test's report.
    /// </summary>
    [Fact]
    public async Task A_login_role_other_than_the_master_that_inherits_rds_superuser_is_a_finding_whose_fix_clears_it()
    {
        await using var server = await PostgresServer.StartAsync(Environment.GetEnvironmentVariable("PG_BIN"));
        var db = await TestDatabase.CreateAsync(server);
        string admin = db.Prefix + "_admin", viaGroup = db.Prefix + "_ops";
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"""
                CREATE ROLE "{admin}" LOGIN; GRANT rds_superuser TO "{admin}";
                CREATE ROLE "{viaGroup}_group" NOLOGIN; GRANT rds_superuser TO "{viaGroup}_group";
                CREATE ROLE "{viaGroup}" LOGIN IN ROLE "{viaGroup}_group";
                """);
        var factory = new NpgsqlConnectionFactory(db.MasterSettings);

        var findings = (await AuditReporter.ReportAsync(factory, DeclaredLayout.None, DateTimeOffset.UtcNow, CancellationToken.None)).Findings;

        var direct = Assert.Single(findings, f => f.Kind == "predefined-role" && f.Subject == $"role {admin}");
        Assert.Equal($"REVOKE \"rds_superuser\" FROM \"{admin}\";", direct.FixSql);
        var inherited = Assert.Single(findings, f => f.Kind == "predefined-role" && f.Subject == $"role {viaGroup}");
        Assert.Equal($"REVOKE \"rds_superuser\" FROM \"{viaGroup}_group\";", inherited.FixSql);
        Assert.DoesNotContain(findings, f => f.Subject == $"role {PostgresServer.MasterUser}");
        Assert.Contains("can act as the RDS administrator in every schema through", inherited.Problem);

        await using (var su = await db.SuperuserAsync())
        {
            await TestDatabase.Exec(su, direct.FixSql);
            await TestDatabase.Exec(su, inherited.FixSql);
        }
        var after = (await AuditReporter.ReportAsync(factory, DeclaredLayout.None, DateTimeOffset.UtcNow, CancellationToken.None)).Findings;
        Assert.DoesNotContain(after, f => f.Kind == "predefined-role" && (f.Subject == $"role {admin}" || f.Subject == $"role {viaGroup}"));
    }
}
