using System.Diagnostics;

namespace RoleManager.Integration.Tests;

/// <summary>
/// Every parse error of the CLI is one sentence on stderr that names what was wrong (no help page, no type names,
/// no typo list), and a usage error exits with the same code as in the invoke scripts (bin/*-database-roles).
/// None of these runs reach a database.
/// </summary>
public sealed class CliParseErrorTests
{
    [Theory]
    [InlineData("an unknown option", new[] { "plan", "--bogus" }, "role-manager plan has no option --bogus; 'role-manager plan --help' lists its options.")]
    [InlineData("an option of another command", new[] { "check", "--dry-run" }, "role-manager check has no option --dry-run; 'role-manager check --help' lists its options.")]
    [InlineData("a missing value", new[] { "plan", "--config" }, "--config needs a value after it; 'role-manager plan --help' says what it takes.")]
    [InlineData("a missing number", new[] { "plan", "--port" }, "--port needs a number after it, e.g. --port 5432.")]
    [InlineData("a missing choice", new[] { "apply", "--auth" }, "--auth needs a value after it: one of iam, none, password.")]
    [InlineData("a bad choice", new[] { "plan", "--auth", "bogus" }, "--auth 'bogus' is not one of iam, none, password.")]
    [InlineData("a bad output format", new[] { "apply", "--output", "xml" }, "--output 'xml' is not one of json, text.")]
    [InlineData("a stray argument", new[] { "plan", "extra" }, "role-manager plan takes no arguments, but 'extra' was given: every input is an option (e.g. --config FILE), see 'role-manager plan --help'.")]
    [InlineData("an option given twice", new[] { "plan", "--port", "1", "--port", "2" }, "--port takes one value, but 2 were given ('1', '2').")]
    [InlineData("a connection string given twice (it may hold a password)", new[] { "plan", "--connection", "postgresql://m:pw-leak@h/db", "--connection", "Host=h;Password=pw-leak" }, "--connection takes one value, but 2 were given ('(connection string not shown)', '(connection string not shown)').")]
    [InlineData("an unknown command", new[] { "bogus" }, "'bogus' is not a command of role-manager: use one of plan, apply, inspect, check, report.")]
    [InlineData("no command", new string[0], "Give a command: one of plan, apply, inspect, check, report ('role-manager --help' describes them).")]
    public async Task A_parse_error_is_one_sentence_naming_what_is_wrong_and_exits_1(string what, string[] args, string sentence)
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), args);

        Assert.True(result.ExitCode == 1, $"{what}: {result.All}");
        Assert.Equal($"error: {sentence}", result.StdErr.TrimEnd());
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task Two_stray_arguments_are_two_sentences()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "plan", "a", "b");

        Assert.Equal(1, result.ExitCode);
        string[] lines = result.StdErr.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Matches("^error: role-manager plan takes no arguments, but '[ab]' was given: .*\\.$", line));
        Assert.DoesNotContain("Did you mean", result.All);
    }

    [Fact]
    public async Task Help_still_prints_the_help_page_and_exits_0()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "plan", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--detailed-exitcode", result.StdOut);
    }

    [Theory]
    [InlineData("check-database-roles", "check")]
    [InlineData("plan-database-roles", "plan")]
    [InlineData("create-or-update-database-roles", "apply")]
    public async Task A_usage_error_exits_with_the_same_code_from_the_CLI_and_from_the_invoke_script(string script, string command)
    {
        var cli = await CliRunner.RunAsync(new Dictionary<string, string?>(), command, "--bogus");

        // The script stops at its argument parsing, before any aws call.
        var psi = new ProcessStartInfo(Path.Combine(RepositoryRoot.Path, "bin", script)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("fn");
        psi.ArgumentList.Add("--bogus");
        using var process = Process.Start(psi)!;
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Contains($"Try '{script} --help'", stderr);
        Assert.Equal(1, cli.ExitCode);
        Assert.Equal(cli.ExitCode, process.ExitCode);
    }
}
