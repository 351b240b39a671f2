using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.UseCases;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Passwords;

/// <summary>
/// Issue 29, "one master login per run": a password role's password is decided by the planner from what the inspection
/// read (the role's LOGIN and our secret version marker), so no run opens a master connection of its own for it. Counted
/// by the server's connection log. Before, a converged run with one password role logged in as the master twice (the
/// stored-marker read before the plan, then the plan's). The logins as the password_env role itself (the proof that its
/// password is current: the master cannot read pg_authid on RDS) are not the master's and are not counted.
/// </summary>
public sealed class MasterLoginTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string BiPassword = "env-bi-Pw-4kLm9QzX";

    [Fact]
    public async Task A_converged_apply_plan_and_check_with_a_password_env_role_log_in_as_the_master_once_each()
    {
        var db = await TestDatabase.CreateAsync();
        var request = db.Request(RunAction.Apply, layout: new LayoutInputs(ConfigText: EnvironmentPasswordTests.BiYaml(db)))
            with { LayoutEnvironment = name => name == "BI_PASSWORD" ? BiPassword : null };

        await AssertOneMasterLoginEachAsync(db, request);
    }

    [Fact]
    public async Task A_converged_apply_plan_and_check_with_a_password_secret_role_log_in_as_the_master_once_each()
    {
        var role = await SecretRole.CreateAsync(moto, """{"username":"reporting","password":"secret-Pw-8mQ2vX7c"}""");
        var request = role.Db.Request(RunAction.Apply, layout: new LayoutInputs(ConfigText: role.ConfigYaml))
            with { RolePasswordSecrets = () => new SecretsManagerPasswordSource(role.Client) };

        await AssertOneMasterLoginEachAsync(role.Db, request);
        Assert.Equal(2, role.Client.Calls.GetSecretValue); // the first apply creates the role with it; the check logs in with it
    }

    /// <summary>
    /// A password_env role that does not exist yet is created with its password: no login as it is tried (it could only be
    /// refused, and each refusal is a "password authentication failed" in the server's log: 1,000 of them on the first
    /// apply of 1,000 people). The engine asks which roles exist over the master session it already has. Counted at a
    /// proxy: the first apply opens the master's connection only (two before: the refused login as the new role).
    /// </summary>
    [Fact]
    public async Task The_first_apply_of_a_password_env_role_tries_no_login_as_the_role_it_is_about_to_create()
    {
        var db = await TestDatabase.CreateAsync();
        using var proxy = new HoldingProxy(db.Server.Port, TimeSpan.Zero);
        var request = db.Request(RunAction.Apply, layout: new LayoutInputs(ConfigText: EnvironmentPasswordTests.BiYaml(db)));
        request = request with { Connection = request.Connection with { Port = proxy.Port }, LayoutEnvironment = name => name == "BI_PASSWORD" ? BiPassword : null };

        var applied = await new RoleManagerRun().RunAsync(request, CancellationToken.None);

        Assert.True(applied.Committed);
        Assert.Equal(1, proxy.Connections);
    }

    /// <summary>
    /// The password_env logins come after the master's (Engine.ProvePasswordsAsync): a master login that fails is the run's
    /// only contact and its error is the one told, and a cluster that holds connections while it resumes is waited for by
    /// the master's login, not met first by role logins that would fail and prove nothing.
    /// </summary>
    [Fact]
    public async Task A_refused_master_login_comes_before_any_login_as_a_password_env_role()
    {
        var db = await TestDatabase.CreateAsync();
        using var proxy = new HoldingProxy(db.Server.Port, TimeSpan.Zero);
        var request = db.Request(RunAction.Plan, layout: new LayoutInputs(ConfigText: EnvironmentPasswordTests.BiYaml(db)));
        request = request with
        {
            Connection = request.Connection with { Port = proxy.Port },
            Environment = name => name == "PGPASSWORD" ? "not-the-master-password" : db.Environment(name),
            LayoutEnvironment = name => name == "BI_PASSWORD" ? BiPassword : null,
        };

        var error = await Assert.ThrowsAnyAsync<Errors.RoleManagerException>(() => new RoleManagerRun().RunAsync(request, CancellationToken.None));

        Assert.Contains("28P01", error.Message);
        Assert.Equal(1, proxy.Connections);
    }

    private static async Task AssertOneMasterLoginEachAsync(TestDatabase db, RunRequest request)
    {
        var first = await new RoleManagerRun().RunAsync(request, CancellationToken.None);
        Assert.True(first.Committed);
        var logins = new Dictionary<RunAction, int>();
        foreach (var action in new[] { RunAction.Apply, RunAction.Plan, RunAction.Check })
        {
            RunReport? report = null;
            logins[action] = await db.Server.CountLoginsAsync(db.Name, PostgresServer.MasterUser,
                async () => report = await new RoleManagerRun().RunAsync(request with { Action = action }, CancellationToken.None));
            Assert.True(report!.Plan.IsEmpty, $"{action}: " + string.Join("; ", report.Plan.Changes.Select(c => c.Description)));
        }
        Assert.Equal("apply 1, plan 1, check 1", $"apply {logins[RunAction.Apply]}, plan {logins[RunAction.Plan]}, check {logins[RunAction.Check]}");
    }
}
