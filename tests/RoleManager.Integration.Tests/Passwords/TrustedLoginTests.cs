using Npgsql;

namespace RoleManager.Integration.Tests.Passwords;

/// <summary>
/// Issue 27, item 5: a login proves a password only where the server asks for one. On a server whose pg_hba.conf trusts
/// the roles, apply still sets their passwords (and says why), and check reports the login as unproven, never as a pass;
/// with a wrong password, check fails its plan assertion as plan shows the change, and the hint is about the role.
/// </summary>
public class TrustedLoginTests
{
    /// <summary>A password login to another database, where pg_hba.conf asks for it: what proves the password was set.</summary>
    private static async Task<string?> SqlStateOfLoginAsync(TestDatabase db, string role, string password)
    {
        try
        {
            await using var connection = new NpgsqlConnection(db.Server.ConnectionString("postgres", role, password));
            await connection.OpenAsync();
            return null;
        }
        catch (PostgresException ex) { return ex.SqlState; }
    }

    [Fact]
    public async Task On_a_server_that_trusts_the_roles_apply_sets_their_passwords_and_plan_and_check_say_the_login_proves_nothing()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        // The roles exist without a password, as an earlier run with --auth none left them, and the server trusts them.
        var first = await CliRunner.RunAsync(env, "apply", "--auth", "none");
        Assert.True(first.ExitCode == 0, first.All);
        await db.Server.TrustAsync(db.Name, db.App, db.Migrator);

        var plan = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");
        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password");
        var check = await CliRunner.RunAsync(env, "check", "--auth", "password");
        var json = await CliRunner.RunAsync(env, "check", "--auth", "password", "--output", "json");

        string why = "the server does not ask this role for a password (pg_hba trust): the login proves nothing";
        Assert.True(plan.ExitCode == 2, plan.All);
        Assert.Contains($"set password of role {db.App} from environment variable APP_PASSWORD ({why}, so it is set on every apply)", plan.StdOut);
        Assert.Contains($"set password of role {db.Migrator} from environment variable MIGRATOR_PASSWORD", plan.StdOut);
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Null(await SqlStateOfLoginAsync(db, db.App, db.AppPassword));
        Assert.Null(await SqlStateOfLoginAsync(db, db.Migrator, db.MigratorPassword));
        Assert.Equal("28P01", await SqlStateOfLoginAsync(db, db.App, "anything-else"));
        Assert.True(check.ExitCode == 3, check.All);
        var login = Assert.Single(check.StdOut.Split('\n'), l => l.Contains(db.App) && l.Contains("logs in (password)"));
        Assert.Contains("UNPROVEN", login);
        Assert.Contains(why, login);
        Assert.DoesNotContain(" pass ", login);
        Assert.Contains("\"unproven\": true", json.StdOut);
        foreach (var result in new[] { first, plan, apply, check, json })
            foreach (var secret in new[] { db.AppPassword, db.MigratorPassword, db.Server.MasterPassword })
                Assert.DoesNotContain(secret, result.All);
    }

    [Fact]
    public async Task On_a_server_that_trusts_the_roles_check_says_an_IAM_token_login_proves_nothing()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        // Credentials to sign the tokens with: the server never checks them, which is the point.
        const string secretKey = "trusted-login-test-secret-key";
        env["AWS_ACCESS_KEY_ID"] = "AKIATRUSTEDLOGINTEST";
        env["AWS_SECRET_ACCESS_KEY"] = secretKey;
        env["AWS_REGION"] = "us-east-1";
        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "iam");
        Assert.True(apply.ExitCode == 0, apply.All);
        await db.Server.TrustAsync(db.Name, db.App, db.Migrator);

        var check = await CliRunner.RunAsync(env, "check", "--auth", "iam");

        Assert.True(check.ExitCode == 3, check.All);
        var login = Assert.Single(check.StdOut.Split('\n'), l => l.Contains(db.App) && l.Contains("logs in (IAM token)"));
        Assert.Contains("UNPROVEN", login);
        Assert.Contains("does not ask this role for its IAM token (pg_hba trust): the login proves nothing", login);
        Assert.DoesNotContain(" pass ", login);
        Assert.DoesNotContain(secretKey, apply.All + check.All);
        Assert.DoesNotContain("X-Amz-Signature", apply.All + check.All);
    }

    [Fact]
    public async Task With_a_wrong_APP_PASSWORD_check_fails_its_plan_assertion_as_plan_shows_the_change_and_blames_the_role_not_the_master()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        var first = await CliRunner.RunAsync(env, "apply", "--auth", "password");
        Assert.True(first.ExitCode == 0, first.All);
        env["APP_PASSWORD"] = "not-the-password-Kq7";

        var plan = await CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");
        var check = await CliRunner.RunAsync(env, "check", "--auth", "password");

        Assert.True(plan.ExitCode == 2, plan.All);
        Assert.Contains($"set password of role {db.App}", plan.StdOut);
        Assert.True(check.ExitCode == 3, check.All);
        var planned = Assert.Single(check.StdOut.Split('\n'), l => l.Contains("database matches the configuration (plan is empty)"));
        Assert.Contains("FAIL", planned);
        Assert.Contains($"set password of role {db.App}", planned);
        var login = Assert.Single(check.StdOut.Split('\n'), l => l.Contains(db.App) && l.Contains("logs in (password)"));
        Assert.Contains("FAIL", login);
        Assert.Contains("APP_PASSWORD", login);
        Assert.DoesNotContain("master", login);
        Assert.DoesNotContain("PGPASSWORD", login);
        Assert.DoesNotContain("not-the-password-Kq7", plan.All + check.All);
    }
}
