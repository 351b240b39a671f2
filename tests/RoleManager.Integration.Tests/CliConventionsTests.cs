using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RoleManager.Connect;
using RoleManager.Execute;
using RoleManager.Testing;
using Xunit.Abstractions;

namespace RoleManager.Integration.Tests;

/// <summary>The conventions a psql user brings (-h is the host, libpq's six sslmodes, Ctrl-C) and options that never surprise.</summary>
public sealed class CliConventionsTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Unreachable(ConnectionCounter counter) => new()
    {
        ["PGHOST"] = "127.0.0.1", ["PGPORT"] = counter.Port.ToString(), ["PGUSER"] = "m", ["PGPASSWORD"] = "x", ["PGSSLMODE"] = "disable",
    };

    [Fact]
    public async Task Minus_h_is_the_host_as_in_psql()
    {
        using var counter = new ConnectionCounter();
        var env = Unreachable(counter);
        env.Remove("PGHOST");
        var result = await CliRunner.RunAsync(env, "plan", "-h", "127.0.0.1", "--auth", "none");
        Assert.Equal(1, result.ExitCode);
        Assert.True(counter.Accepted > 0, result.All);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-?")]
    public async Task Help_is_minus_minus_help_or_minus_question_mark(string flag)
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "plan", flag);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--host", result.StdOut);
        Assert.Contains("-h, --host", result.StdOut);
        Assert.DoesNotContain("-h, --help", result.StdOut);
    }

    [Fact]
    public async Task Minus_h_without_a_value_says_it_is_the_host_and_where_help_is()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "plan", "-h");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--host (-h) needs a value", result.StdErr);
        Assert.Contains("--help or -?", result.StdErr);
    }

    [Theory]
    [InlineData("verify-full")]
    [InlineData("verify-ca")]
    [InlineData("require")]
    [InlineData("prefer")]
    [InlineData("allow")]
    [InlineData("disable")]
    public async Task Every_libpq_sslmode_is_accepted_by_the_flag_as_by_PGSSLMODE(string mode)
    {
        using var counter = new ConnectionCounter();
        var flag = await CliRunner.RunAsync(Unreachable(counter), "plan", "--auth", "none", "--sslmode", mode);
        Assert.DoesNotContain("is not one of", flag.StdErr);
        Assert.True(counter.Accepted > 0, flag.All);
    }

    [Fact]
    public async Task A_wrong_sslmode_lists_the_same_six_values_from_the_flag_and_from_PGSSLMODE()
    {
        using var counter = new ConnectionCounter();
        var env = Unreachable(counter);
        env["PGSSLMODE"] = "bogus";
        var variable = await CliRunner.RunAsync(env, "plan", "--auth", "none");
        env.Remove("PGSSLMODE");
        var flag = await CliRunner.RunAsync(env, "plan", "--auth", "none", "--sslmode", "bogus");

        Assert.Equal(1, variable.ExitCode);
        Assert.Equal(1, flag.ExitCode);
        Assert.Contains("PGSSLMODE", variable.StdErr);
        foreach (string mode in TlsModes.Names)
        {
            Assert.Contains(mode, variable.StdErr);
            Assert.Contains(mode, flag.StdErr);
        }
        Assert.Equal(0, counter.Accepted);
    }

    [Theory]
    [InlineData("--lock-timeout", "10", "10s")]
    [InlineData("--statement-timeout", "300", "300s")]
    public async Task A_duration_without_a_unit_is_an_error_that_shows_the_fix(string option, string value, string fix)
    {
        using var counter = new ConnectionCounter();
        var result = await CliRunner.RunAsync(Unreachable(counter), "apply", "--auth", "none", option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{option} '{value}' has no unit", result.StdErr);
        Assert.Contains($"{option} {fix}", result.StdErr);
        Assert.Equal(0, counter.Accepted);
    }

    [Fact]
    public async Task Report_output_html_points_at_format()
    {
        using var counter = new ConnectionCounter();
        var result = await CliRunner.RunAsync(Unreachable(counter), "report", "--output", "html");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--format html", result.StdErr);
        Assert.Equal(0, counter.Accepted);
    }

    [Theory]
    [InlineData("html", "json")]
    [InlineData("json", "text")]
    public async Task Report_with_a_format_and_an_output_that_disagree_is_an_error(string format, string output)
    {
        using var counter = new ConnectionCounter();
        var result = await CliRunner.RunAsync(Unreachable(counter), "report", "--format", format, "--output", output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"--format {format} and --output {output} disagree", result.StdErr);
        Assert.Equal(0, counter.Accepted);
    }

    [Fact]
    public async Task Json_output_writes_plus_signs_and_non_ascii_as_themselves()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        string config = Path.Combine(Path.GetTempPath(), $"rm-json-{db.Name}.yaml");
        await File.WriteAllTextAsync(config, $"""
            database: {db.Name}
            auth: none
            schemas: [{"{"} name: café, owner: {db.Migrator} {"}"}]
            roles:
              - {"{"} name: {db.Migrator} {"}"}
              - {"{"} name: {db.App}, grants: [{"{"} schema: café, profile: readonly {"}"}] {"}"}
            """);
        var result = await CliRunner.RunAsync(env, "plan", "--config", config, "--output", "json");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("café", result.StdOut);
        Assert.DoesNotContain("\\u00E9", result.StdOut);
        // The server version's "+deb12u1" / "pgdg+1", where the server's build has one (the npm builds of 13 and 17 do not).
        string version;
        await using (var super = await db.SuperuserAsync())
            version = await PostgresServer.Scalar<string>(super, "SELECT version()");
        if (version.Contains('+', StringComparison.Ordinal)) Assert.Contains("+", result.StdOut);
        Assert.DoesNotContain("\\u002B", result.StdOut);
    }

    [Fact]
    public async Task A_database_that_does_not_exist_is_blamed_on_the_flag_that_named_it()
    {
        var db = await TestDatabase.CreateAsync();
        var result = await CliRunner.RunAsync(CliEnvironment.Master(db), "plan", "--auth", "password", "-d", "nodb_" + db.Prefix);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.StdErr);
        Assert.Contains("fix --dbname", result.StdErr);
        Assert.DoesNotContain("PGDATABASE", result.StdErr);
    }

    [Theory]
    [InlineData("require")]
    [InlineData("verify-full")]
    public async Task A_listener_that_is_not_PostgreSQL_is_named_so_and_certificates_are_not_blamed(string sslMode)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                await stream.ReadExactlyAsync(new byte[8]); // the SSLRequest, or the startup message's first bytes
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
            }
        });
        try
        {
            var env = new Dictionary<string, string?> { ["PGHOST"] = "127.0.0.1", ["PGPORT"] = port.ToString(), ["PGUSER"] = "m", ["PGPASSWORD"] = "x", ["PGSSLMODE"] = sslMode };
            var result = await CliRunner.RunAsync(env, "plan", "--auth", "none");
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("not a PostgreSQL server", result.StdErr);
            Assert.DoesNotContain("certificate", result.StdErr);
            Assert.DoesNotContain("TLS", result.StdErr);
        }
        finally { listener.Stop(); }
    }

    [Fact]
    public async Task Ctrl_C_during_a_lock_wait_cancels_the_server_statement_says_nothing_changed_and_exits_130()
    {
        var db = await TestDatabase.CreateAsync();
        await using var holder = await db.MasterAsync();
        await TestDatabase.Exec(holder, $"SELECT pg_advisory_lock({PlanTransaction.AdvisoryLockKey})");
        await using var watcher = await db.SuperuserAsync();

        var run = CliRunner.Start(CliEnvironment.Master(db), "apply", "--auth", "password", "--lock-timeout", "0");
        string waiting = $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db.Name}' AND application_name LIKE 'role-manager%' AND wait_event_type = 'Lock'";
        await WaitUntilAsync(async () => await PostgresServer.Scalar<long>(watcher, waiting) == 1, TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        CliRunner.Interrupt(run.ProcessId);
        await WaitUntilAsync(async () => await PostgresServer.Scalar<long>(watcher, waiting) == 0, TimeSpan.FromSeconds(30));
        var stopped = clock.Elapsed;
        var result = await run.Exited;
        output.WriteLine($"the server's lock wait ended {stopped.TotalMilliseconds:F0} ms after SIGINT; the program exited {clock.Elapsed.TotalMilliseconds:F0} ms after it");

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("interrupted: rolled back, nothing changed", result.StdErr);
        Assert.True(stopped < TimeSpan.FromSeconds(2), $"the server kept waiting {stopped.TotalMilliseconds:F0} ms after Ctrl-C");
    }

    [Fact]
    public async Task An_unreachable_Secrets_Manager_from_the_command_line_is_not_blamed_on_a_function()
    {
        using var counter = new ConnectionCounter();
        var env = Unreachable(counter);
        env.Remove("PGPASSWORD");
        env["DB_PASSWORD_SECRET_ARN"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf";
        env["AWS_REGION"] = "us-east-1";
        env["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE";
        env["AWS_SECRET_ACCESS_KEY"] = "example-secret-key";
        env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://127.0.0.1:1";
        var result = await CliRunner.RunAsync(env, "plan", "--auth", "none");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Secrets Manager", result.StdErr);
        Assert.Contains("network path from here", result.StdErr);
        Assert.DoesNotContain("function", result.StdErr);
    }

    /// <summary>
    /// PostgreSQL answers 28P01 both for a wrong password and for a user that does not exist, so "check the password"
    /// sent a user with a typo in -U looking at the right password. The message names where each of the two came from.
    /// </summary>
    [Theory]
    [InlineData("flag user that does not exist", "--username", "PGPASSWORD")]
    [InlineData("wrong PGPASSWORD", "PGUSER", "PGPASSWORD")]
    [InlineData("wrong password in --connection", "--connection", "--connection")]
    public async Task A_refused_master_login_names_where_the_user_name_and_the_password_came_from(string situation, string userFrom, string passwordFrom)
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        string[] args = ["plan", "--auth", "none"];
        switch (situation)
        {
            case "flag user that does not exist": args = [.. args, "-U", "nosuch_" + db.Prefix]; break;
            case "wrong PGPASSWORD": env["PGPASSWORD"] = "wrong-" + db.Prefix; break;
            default:
                env.Remove("PGPASSWORD");
                args = [.. args, "--connection", $"postgresql://{PostgresServer.MasterUser}:wrong-{db.Prefix}@127.0.0.1:{db.Server.Port}/{db.Name}?sslmode=disable"];
                break;
        }

        var result = await CliRunner.RunAsync(env, args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(28P01): the password is wrong or no such user exists", result.StdErr);
        Assert.Contains($"Check the user name (from {userFrom}) and the password (from {passwordFrom})", result.StdErr);
        Assert.DoesNotContain("wrong-" + db.Prefix, result.All);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"not reached within {limit.TotalSeconds} s");
            await Task.Delay(20);
        }
    }
}
