namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Finding 8 of the drift fuzzer (16+, seed 29 on 17): a managed schema given to a role the master holds no ADMIN
/// OPTION on (an undeclared role a superuser made). From 16 acting as a role means granting it to oneself, which needs
/// ADMIN: apply failed with 42501 at <c>GRANT … TO CURRENT_USER</c>. Now plan names it as a finding with the statement a
/// superuser runs, apply does the rest, and after the fix apply converges.
/// </summary>
public sealed class NoAdminOwnerTests
{
    [Fact]
    public async Task A_managed_schema_owned_by_a_role_the_master_cannot_act_as_is_a_finding_not_a_failed_apply()
    {
        var db = await TestDatabase.CreateAsync();
        if (db.Server.VersionNum < 160000) return; // before 16 CREATEROLE acts as any role that is not a superuser
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        string other = db.Prefix + "_other";
        await using var superuser = await db.SuperuserAsync();
        await TestDatabase.Exec(superuser, $"CREATE ROLE {other} NOLOGIN; ALTER SCHEMA reports OWNER TO {other}");

        var plan = (await db.PlanAsync(desired)).Plan;
        var finding = Assert.Single(plan.Findings, f => f.FixSql.Contains("ALTER SCHEMA \"reports\" OWNER TO", StringComparison.Ordinal));
        Assert.Contains("ADMIN", finding.Problem);
        Assert.DoesNotContain(plan.Changes, c => c.Sql.Contains($"\"{other}\" TO CURRENT_USER", StringComparison.Ordinal));
        await db.ApplyAsync(desired); // no 42501

        foreach (var statement in finding.FixSql.Split('\n')) await TestDatabase.Exec(superuser, statement);
        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, string.Join("; ", after.Changes.Select(c => c.Sql).Concat(after.Findings.Select(f => f.FixSql))));
        await TestDatabase.Exec(superuser, $"DROP ROLE {other}");
    }
}
