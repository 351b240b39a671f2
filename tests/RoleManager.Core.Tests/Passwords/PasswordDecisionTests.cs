using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Passwords;
using RoleManager.Planning;

namespace RoleManager.Core.Tests;

/// <summary>
/// Issue 29: whether a password is set is the planner's, from the inspected role (LOGIN, our version marker in its
/// comment) and what the host learnt without the master (the secret's version, the login as the role), on the pure
/// planner; the same against a real server in the integration tests' Passwords folder.
/// </summary>
public class PasswordDecisionTests
{
    private static DesiredState Layout(PasswordSource app, Secret? appPassword) => DefaultLayout.Build(new DefaultLayoutOptions(
        "appdb", Auth: AuthMode.Password, AppPassword: new Secret("app-pw"), MigratorPassword: new Secret("migrator-pw"))) is var desired
        ? desired with
        {
            Roles = [.. desired.Roles.Select(r => r.Name == "app" ? r with { Password = appPassword, PasswordSource = app }
                : r with { PasswordSource = r.PasswordSource! with { Resolved = true, Login = PasswordLogin.LoggedIn, ServerAsks = true } })],
        }
        : throw new InvalidOperationException();

    private static PasswordSource Environment(PasswordLogin? login, bool? asks = true) =>
        new(PasswordOrigin.Environment, "APP_PASSWORD") { Resolved = true, Login = login, ServerAsks = asks };

    private static PasswordSource Secret(string version) => new(PasswordOrigin.Secret, "app/password") { Resolved = true, Version = version };

    private static CurrentState Current(Func<CurrentRole, CurrentRole>? app = null)
    {
        var state = CatalogBuilder.Converged(AuthMode.Password).Build();
        return app is null ? state : state with { Roles = state.Roles.SetItem("app", app(state.Roles["app"])) };
    }

    private static CurrentState WithoutApp() => Current() is var state ? state with { Roles = state.Roles.Remove("app") } : null!;

    private static List<string> PasswordSql(Plan plan) =>
        plan.Changes.Where(c => c.Kind == ChangeKind.SetPassword).Select(c => c.Sql).ToList();

    /// <summary>
    /// No login is tried for a role the run found absent (it is created with its password); if the inspection finds it all
    /// the same (another run created it in between), nothing proved its password, so it is set.
    /// </summary>
    [Fact]
    public void An_environment_password_not_tried_because_the_role_was_absent_is_set_when_the_role_turns_up()
    {
        var desired = Layout(Environment(PasswordLogin.RoleAbsent, asks: null), new Secret("app-pw"));

        Assert.Single(PasswordSql(Planner.Plan(desired, Current())));
        Assert.Empty(PasswordSql(Planner.Plan(desired, WithoutApp())));
    }

    [Fact]
    public void An_environment_password_that_logs_in_where_the_server_asks_is_current()
    {
        var desired = Layout(Environment(PasswordLogin.LoggedIn), new Secret("app-pw"));
        Assert.True(Planner.Plan(desired, Current()).IsConverged);
    }

    [Theory]
    [InlineData(PasswordLogin.Refused, true, "does not log in (it was changed)")]
    [InlineData(PasswordLogin.LoggedIn, false, "pg_hba trust")]
    public void An_environment_password_refused_or_unprovable_is_set_with_the_reason(PasswordLogin login, bool asks, string reason)
    {
        var plan = Planner.Plan(Layout(Environment(login, asks), new Secret("app-pw")), Current());

        var set = Assert.Single(plan.Changes, c => c.Kind == ChangeKind.SetPassword);
        Assert.Equal("ALTER ROLE \"app\" PASSWORD '********'", set.Sql);
        Assert.Contains(reason, set.Description);
    }

    [Fact]
    public void A_role_that_cannot_log_in_yet_gets_its_environment_password_whatever_the_login_showed()
    {
        var plan = Planner.Plan(Layout(Environment(PasswordLogin.Failed, null), new Secret("app-pw")), Current(r => r with { Login = false }));

        Assert.Contains(plan.Changes, c => c.Kind == ChangeKind.SetPassword && c.Description.Contains("cannot log in yet"));
    }

    [Fact]
    public void A_refused_login_of_a_role_that_does_not_exist_yet_creates_it_with_the_password_and_sets_nothing_more()
    {
        var plan = Planner.Plan(Layout(Environment(PasswordLogin.Refused), new Secret("app-pw")), WithoutApp());

        Assert.Contains(plan.Changes, c => c.Kind == ChangeKind.CreateRole && c.Sql.StartsWith("CREATE ROLE \"app\" ") && c.Sql.EndsWith("PASSWORD '********'"));
        Assert.Empty(PasswordSql(plan));
    }

    [Fact]
    public void A_secret_whose_version_the_role_records_needs_no_value_and_plans_nothing()
    {
        var desired = Layout(Secret("v2"), appPassword: null);
        var current = Current(r => r with { Comment = PasswordMarker.Prefix + "v2" });

        Assert.False(PasswordDecision.NeedsValue(desired.Roles.Single(r => r.Name == "app"), current.Roles["app"]));
        Assert.True(Planner.Plan(desired, current).IsConverged);
    }

    [Theory]
    [InlineData("v1", "has a new version")]
    [InlineData(null, "no secret version is recorded on the role yet")]
    public void A_secret_with_another_or_no_recorded_version_needs_its_value_and_is_set_and_recorded(string? recorded, string reason)
    {
        var current = Current(r => r with { Comment = recorded is null ? null : PasswordMarker.Prefix + recorded });
        var unread = Layout(Secret("v2"), appPassword: null);
        Assert.True(PasswordDecision.NeedsValue(unread.Roles.Single(r => r.Name == "app"), current.Roles["app"]));

        var plan = Planner.Plan(Layout(Secret("v2"), new Secret("secret-pw")), current);

        Assert.Equal(["ALTER ROLE \"app\" PASSWORD '********'", "COMMENT ON ROLE \"app\" IS 'role-manager password-version: v2'"], PasswordSql(plan));
        Assert.Contains(reason, plan.Changes.First(c => c.Kind == ChangeKind.SetPassword).Description);
    }

    [Fact]
    public void A_secret_role_that_does_not_exist_yet_needs_its_value_and_is_created_with_it_and_its_marker()
    {
        var desired = Layout(Secret("v2"), appPassword: null);
        Assert.True(PasswordDecision.NeedsValue(desired.Roles.Single(r => r.Name == "app"), null));

        var plan = Planner.Plan(Layout(Secret("v2"), new Secret("secret-pw")), WithoutApp());

        Assert.Contains(plan.Changes, c => c.Kind == ChangeKind.CreateRole && c.Sql.EndsWith("PASSWORD '********'"));
        Assert.Equal(["COMMENT ON ROLE \"app\" IS 'role-manager password-version: v2'"], PasswordSql(plan));
    }
}
