using Npgsql;
using RoleManager.Aws;
using RoleManager.Config;
using RoleManager.Execute;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Integration.Tests.Passwords;

public sealed class EnvironmentPasswordTests
{
    private const string Before = "env-before-Qw3rTy9z";
    private const string After = "env-after-Zx8cVb2n";

    /// <summary>One role, {prefix}_bi, that takes its password from BI_PASSWORD.</summary>
    internal static string BiYaml(TestDatabase db) => $"""
        database: {db.Name}
        roles:
          - name: {db.Prefix}_bi
            auth: password
            password_env: BI_PASSWORD
            database_privileges: [connect]
        """;

    private static DesiredState Desired(TestDatabase db, string password) =>
        ConfigLoader.Load(BiYaml(db), "bi.yaml", name => name == "BI_PASSWORD" ? password : null, new ConfigDefaults());

    private static Task<DesiredState> ResolveAsync(TestDatabase db, string password) =>
        RolePasswords.ResolveAsync(Desired(db, password), new Connect.NpgsqlConnectionFactory(db.MasterSettings), _ => null, false, null, CancellationToken.None);

    private static async Task<string?> LoginAsync(TestDatabase db, string password)
    {
        try
        {
            await using var connection = new NpgsqlConnection(db.Server.ConnectionString(db.Name, db.Prefix + "_bi", password));
            await connection.OpenAsync();
            return null;
        }
        catch (PostgresException ex) { return ex.SqlState; }
    }

    [Fact]
    public async Task A_changed_password_env_value_is_set_again_and_the_plan_is_empty_afterwards()
    {
        var db = await TestDatabase.CreateAsync();
        await db.Engine().ApplyAsync(await ResolveAsync(db, Before), ExecutionOptions.Default, false, CancellationToken.None);
        Assert.Null(await LoginAsync(db, Before));
        Assert.True((await db.Engine().PlanAsync(await ResolveAsync(db, Before), CancellationToken.None)).Plan.IsEmpty);

        var plan = await db.Engine().PlanAsync(await ResolveAsync(db, After), CancellationToken.None);
        var set = Assert.Single(plan.Plan.Changes);
        Assert.Equal(ChangeKind.SetPassword, set.Kind);
        Assert.Equal($"set password of role {db.Prefix}_bi from environment variable BI_PASSWORD (the password in environment variable BI_PASSWORD does not log in (it was changed))", set.Description);
        Assert.DoesNotContain(After, set.Sql + set.Description);

        await db.Engine().ApplyAsync(await ResolveAsync(db, After), ExecutionOptions.Default, false, CancellationToken.None);
        Assert.Null(await LoginAsync(db, After));
        Assert.Equal("28P01", await LoginAsync(db, Before));
        Assert.True((await db.Engine().PlanAsync(await ResolveAsync(db, After), CancellationToken.None)).Plan.IsEmpty);
    }

    [Fact]
    public async Task Nothing_derived_from_an_environment_password_is_stored_where_other_users_can_read_it()
    {
        var db = await TestDatabase.CreateAsync();
        await db.Engine().ApplyAsync(await ResolveAsync(db, Before), ExecutionOptions.Default, false, CancellationToken.None);

        await using var master = await db.MasterAsync();
        var visible = await TestDatabase.Scalar<string>(master,
            $"SELECT coalesce(shobj_description(oid, 'pg_authid'), '') || coalesce(array_to_string(rolconfig, ','), '') FROM pg_roles WHERE rolname = '{db.Prefix}_bi'");
        Assert.Equal("", visible);
    }

    [Fact]
    public async Task Rotating_APP_PASSWORD_of_the_default_layout_is_no_longer_ignored_by_the_cli()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        var first = await Testing.CliRunner.RunAsync(env, "apply", "--auth", "password");
        Assert.True(first.ExitCode == 0, first.All);
        env["APP_PASSWORD"] = After;

        var plan = await Testing.CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");
        Assert.Equal(2, plan.ExitCode);
        Assert.Contains($"set password of role {db.App} from environment variable APP_PASSWORD", plan.StdOut);
        var apply = await Testing.CliRunner.RunAsync(env, "apply", "--auth", "password");
        var after = await Testing.CliRunner.RunAsync(env, "plan", "--auth", "password", "--detailed-exitcode");

        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Equal(0, after.ExitCode);
        await using (var login = new NpgsqlConnection(db.Server.ConnectionString(db.Name, db.App, After)))
            await login.OpenAsync();
        foreach (var result in new[] { first, plan, apply, after })
            foreach (var secret in new[] { After, TestDatabase.Password(db.App), TestDatabase.Password(db.Migrator), db.Server.MasterPassword })
                Assert.DoesNotContain(secret, result.All);
    }
}
