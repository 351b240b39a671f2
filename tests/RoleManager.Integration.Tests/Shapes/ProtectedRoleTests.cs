using RoleManager.Errors;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Shapes;

/// <summary>
/// Issue 12, the protected-role rule: the master, the database owner, superusers, rds_*/pg_* roles and roles with
/// CREATEROLE or a path into an administrator are never altered, granted to, dropped or reassigned without adopt: true,
/// and no declared membership leads into one. Each refusal names the role and the rule, and changes nothing: a config
/// that names the master or asks for a membership into an administrator is an error; an administrator made on the
/// server is a finding (issue 27), and the rest of the layout applies.
/// </summary>
public class ProtectedRoleTests
{
    private static async Task<PlanException> RefusedAsync(TestDatabase db, Model.DesiredState desired)
    {
        string before = await db.SnapshotAsync();
        var ex = await Assert.ThrowsAsync<PlanException>(() => db.ApplyAsync(desired));
        Assert.Equal(before, await db.SnapshotAsync());
        return ex;
    }

    /// <summary>
    /// An administrator made on the server (not by the config) is drift: a finding, and apply leaves the role exactly as it
    /// is (its attributes, settings, comment and memberships either way) while the rest of the layout applies.
    /// </summary>
    private static async Task<Planning.Finding> LeftAloneAsync(TestDatabase db, Model.DesiredState desired, string role)
    {
        string sql = $"SELECT row(r.*)::text || coalesce(shobj_description(r.oid, 'pg_authid'), '') || " +
                     $"(SELECT coalesce(string_agg(m.roleid || '>' || m.member || ':' || m.admin_option, ',' ORDER BY m.roleid, m.member), '') FROM pg_auth_members m WHERE r.oid IN (m.roleid, m.member)) " +
                     $"FROM pg_roles r WHERE r.rolname = '{role}'";
        string before;
        await using (var su = await db.SuperuserAsync()) before = await TestDatabase.Scalar<string>(su, sql);
        var applied = await db.ApplyAsync(desired);
        await using (var su = await db.SuperuserAsync()) Assert.Equal(before, await TestDatabase.Scalar<string>(su, sql));
        var finding = Assert.Single(applied.Plan.Findings, f => f.Subject == $"role {role}");
        Assert.Contains("adopt: true", finding.Problem);
        return finding;
    }

    [Fact]
    public async Task Declaring_the_master_with_login_false_is_refused_and_the_master_can_still_log_in()
    {
        var db = await TestDatabase.CreateAsync();
        var ex = await RefusedAsync(db, ShapeSql.Config(db, $"roles:\n  - {{name: {PostgresServer.MasterUser}, login: false}}\n"));

        Assert.Contains($"\"{PostgresServer.MasterUser}\" is protected", ex.Message);
        Assert.Contains("master", ex.Message);
        Assert.Contains("adopt: true", ex.Message);
        await using var master = await db.MasterAsync();
    }

    [Fact]
    public async Task Declaring_the_master_with_auth_iam_is_refused_so_rds_iam_is_never_granted_to_it()
    {
        var db = await TestDatabase.CreateAsync();
        var ex = await RefusedAsync(db, ShapeSql.Config(db, $"roles:\n  - {{name: {PostgresServer.MasterUser}, auth: iam}}\n"));
        Assert.Contains($"\"{PostgresServer.MasterUser}\" is protected", ex.Message);
    }

    [Fact]
    public async Task Dropping_a_fellow_rds_superuser_member_is_refused_with_a_finding_and_the_role_is_kept()
    {
        var db = await TestDatabase.CreateAsync();
        string admin = db.Prefix + "_admin";
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE ROLE {admin} LOGIN; GRANT rds_superuser TO {admin}");

        var finding = await LeftAloneAsync(db, ShapeSql.Config(db, $"roles:\n  - {{name: {admin}, drop: true}}\n"), admin);

        Assert.Contains("rds_superuser", finding.Problem);
        await using var check = await db.SuperuserAsync();
        Assert.Equal(1L, await TestDatabase.Scalar<long>(check, $"SELECT count(*) FROM pg_roles WHERE rolname = '{admin}'"));
    }

    [Fact]
    public async Task A_membership_in_a_group_that_is_itself_in_rds_superuser_is_refused_even_when_the_group_is_adopted()
    {
        var db = await TestDatabase.CreateAsync();
        string group = db.Prefix + "_ops";
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE ROLE {group} NOLOGIN; GRANT rds_superuser TO {group}");

        var ex = await RefusedAsync(db, ShapeSql.Config(db, $"""
            auth: none
            roles:
              - {"{"}name: {group}, login: false, adopt: true{"}"}
              - {"{"}name: {db.App}, member_of: [{group}]{"}"}
            """));

        Assert.Contains($"\"{db.App}\" may not be made a member of \"{group}\"", ex.Message);
        Assert.Contains("rds_superuser", ex.Message);
        await using var check = await db.SuperuserAsync();
        Assert.Equal(0L, await TestDatabase.Scalar<long>(check, $"SELECT count(*) FROM pg_roles WHERE rolname = '{db.App}'"));
    }

    [Theory]
    [InlineData("ALTER ROLE {holder} CREATEROLE", "CREATEROLE")]
    [InlineData("GRANT rds_superuser TO {holder}", "rds_superuser")]
    public async Task A_membership_in_a_group_that_leads_through_another_role_to_a_privilege_is_refused(string privilege, string named)
    {
        var db = await TestDatabase.CreateAsync();
        string group = db.Prefix + "_team", holder = db.Prefix + "_holder";
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE ROLE {holder} NOLOGIN; {privilege.Replace("{holder}", holder)}; CREATE ROLE {group} NOLOGIN; GRANT {holder} TO {group}");

        // The group is declared and adopted; the role it is a member of is not declared: the chain still counts.
        var ex = await RefusedAsync(db, ShapeSql.Config(db, $"""
            auth: none
            roles:
              - {"{"}name: {group}, login: false, adopt: true{"}"}
              - {"{"}name: {db.App}, member_of: [{group}]{"}"}
            """));

        Assert.Contains($"\"{db.App}\" may not be made a member of \"{group}\"", ex.Message);
        Assert.Contains(named == "CREATEROLE" ? holder : named, ex.Message);
        await using var check = await db.SuperuserAsync();
        Assert.Equal(0L, await TestDatabase.Scalar<long>(check, $"SELECT count(*) FROM pg_roles WHERE rolname = '{db.App}'"));
    }

    [Fact]
    public async Task A_membership_in_a_group_that_leads_to_a_predefined_role_is_granted_and_the_path_to_the_predefined_role_revoked()
    {
        var db = await TestDatabase.CreateAsync();
        string predefined = db.Server.VersionNum >= 140000 ? "pg_write_all_data" : "pg_monitor";
        string group = db.Prefix + "_team", holder = db.Prefix + "_holder";
        await using (var master = await db.MasterAsync())
            await TestDatabase.Exec(master, $"CREATE ROLE {holder} NOLOGIN; CREATE ROLE {group} NOLOGIN; GRANT {holder} TO {group}");
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"GRANT {predefined} TO {holder}");
        var desired = ShapeSql.Config(db, $"""
            auth: none
            roles:
              - {"{"}name: {group}, login: false{"}"}
              - {"{"}name: {db.App}, member_of: [{group}]{"}"}
            """);

        var applied = await db.ApplyAsync(desired);

        // A predefined role does not make the group an administrator: its undeclared membership is revoked like any other.
        Assert.Contains(applied.Plan.Changes, c => c.Sql.StartsWith($"REVOKE \"{holder}\" FROM \"{group}\"", StringComparison.Ordinal));
        Assert.True((await db.PlanAsync(desired)).Plan.IsConverged);
        await using var check = await db.SuperuserAsync();
        Assert.False(await TestDatabase.Scalar<bool>(check, $"SELECT pg_has_role('{db.App}', '{predefined}', 'MEMBER')"));
    }

    [Fact]
    public async Task A_pre_existing_role_with_createrole_is_protected_but_a_role_the_config_gives_createrole_stays_manageable()
    {
        var db = await TestDatabase.CreateAsync();
        string admin = db.Prefix + "_useradmin", mine = db.Prefix + "_provisioner";
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"CREATE ROLE {admin} LOGIN CREATEROLE");

        var finding = await LeftAloneAsync(db, ShapeSql.Config(db, $"auth: none\nroles:\n  - {{name: {admin}, connection_limit: 3}}\n"), admin);
        Assert.Contains("CREATEROLE", finding.Problem);

        var own = ShapeSql.Config(db, $"auth: none\nroles:\n  - {{name: {mine}, createrole: true}}\n");
        Assert.True((await db.ApplyAsync(own)).Committed);
        Assert.True((await db.PlanAsync(own)).Plan.IsEmpty);
    }

    [Fact]
    public async Task With_adopt_true_the_master_may_be_declared_and_a_matching_declaration_changes_nothing()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = ShapeSql.Config(db, $"roles:\n  - {{name: {PostgresServer.MasterUser}, auth: none, createrole: true, createdb: true, adopt: true}}\n");

        var plan = await db.PlanAsync(desired);

        Assert.DoesNotContain(plan.Plan.Changes, c => c.Sql.Contains($"\"{PostgresServer.MasterUser}\"", StringComparison.Ordinal));
        await db.ApplyAsync(desired);
        await using var master = await db.MasterAsync();
        // Its own memberships are what the tool runs on: adopting the master never revokes them.
        Assert.True(await TestDatabase.Scalar<bool>(master, "SELECT pg_has_role(current_user, 'rds_superuser', 'MEMBER')"));
    }
}
