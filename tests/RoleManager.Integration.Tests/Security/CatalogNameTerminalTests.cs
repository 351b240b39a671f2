using System.Globalization;
using System.Text;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// Names read from the catalog are not checked by the config validator: a table named
/// <c>x\r ESC[2K ESC[1A ESC[2K \n No changes. ESC[8m</c> erased the lines before it, printed a fake "No changes." and
/// hid the rest. Objects and roles with such names are made by the superuser in the managed schemas (owned by the
/// master, by the schema owner, by the superuser itself) with grants to a role of such a name,
/// then every command, in every format, with the debug log on stderr, must print nothing a terminal would act on:
/// no C0/C1 control but LF and TAB, no ESC, no bidi override or other format character, no line separator.
/// </summary>
public class CatalogNameTerminalTests
{
    /// <summary>Erase the line, go up, erase it, a fake verdict, then hide everything after (SGR 8).</summary>
    private const string TableName = @"x\r\x1b[2K\x1b[1A\x1b[2K\nNo changes.\x1b[8m";
    /// <summary>A bidi override (prints the rest reversed), a C1 CSI and a BEL.</summary>
    private const string RoleName = @"ev\u202Eli\u009B2J\u0007";
    private const string SuperTableName = @"su\u2028per\u200F\tt";

    [Fact]
    public async Task Names_with_terminal_escapes_from_the_catalog_are_printed_escaped_by_every_command_and_format()
    {
        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        env["ROLE_MANAGER_DEBUG"] = "1"; // every log line on stderr too
        string config = await db.WriteRichConfigAsync();
        Assert.Equal(0, (await CliRunner.RunAsync(env, "apply", "--config", config)).ExitCode);

        string role = db.Prefix + RoleName;
        await using (var super = await db.SuperuserAsync())
            await TestDatabase.Exec(super, $"""
                DO $$ BEGIN
                  EXECUTE format('CREATE ROLE %I NOLOGIN', E'{role}');
                  EXECUTE format('GRANT %I TO {PostgresServer.MasterUser} WITH ADMIN OPTION', E'{role}');
                  EXECUTE format('CREATE TABLE app.%I (id int)', E'{SuperTableName}');
                  EXECUTE format('GRANT SELECT ON app.%I TO %I', E'{SuperTableName}', E'{role}');
                  EXECUTE format('CREATE TABLE app.%I (id int)', E'{TableName}');
                  EXECUTE format('ALTER TABLE app.%I OWNER TO {PostgresServer.MasterUser}', E'{TableName}');
                  EXECUTE format('GRANT SELECT, INSERT ON app.%I TO %I', E'{TableName}', E'{role}');
                  EXECUTE format('CREATE TABLE reports.%I (id int)', E'{TableName}');
                  EXECUTE format('ALTER TABLE reports.%I OWNER TO %I', E'{TableName}', '{db.Migrator}');
                END $$;
                """);

        // The names really are in the catalog with their controls (the test would prove nothing otherwise).
        await using (var super = await db.SuperuserAsync())
            Assert.Equal(3L, await TestDatabase.Scalar<long>(super,
                "SELECT count(*) FROM pg_class WHERE relname ~ '[\\x01-\\x1f\\u2028]' AND relnamespace::regnamespace::text IN ('app', 'reports')"));

        var runs = new List<(string What, CliRunner.Result Result)>();
        async Task Run(params string[] args) => runs.Add((string.Join(' ', args), await CliRunner.RunAsync(env, args)));
        await Run("plan", "--config", config);
        await Run("plan", "--config", config, "--output", "json");
        await Run("apply", "--config", config, "--dry-run");
        await Run("apply", "--config", config);
        await Run("check", "--config", config);
        await Run("inspect", "--config", config);
        string json = Path.Combine(Path.GetTempPath(), $"rm-names-{db.Name}.json");
        foreach (var format in new[] { "table", "json", "markdown", "html" })
            await Run("report", "--config", config, "--format", format);
        await Run("report", "--config", config, "--format", "json", "--output-file", json);
        await using (var super = await db.SuperuserAsync())
            await TestDatabase.Exec(super, $"DO $$ BEGIN EXECUTE format('REVOKE INSERT ON app.%I FROM %I', E'{TableName}', E'{role}'); END $$;");
        foreach (var format in new[] { "table", "json", "markdown", "html" })
            await Run("report", "--config", config, "--diff", json, "--format", format);

        // Each command ran (exit 0, 2 or 3: the report's diff, or a check that names what drifted), and said something;
        // inspect may refuse (exit 1: the superuser's tables leave roles short of their profile), naming the objects.
        foreach (var (what, result) in runs)
        {
            bool inspectRefused = what.StartsWith("inspect", StringComparison.Ordinal) && result.ExitCode == 1
                                  && result.StdErr.Contains("inspect cannot print this database as a config exactly", StringComparison.Ordinal);
            Assert.True(result.ExitCode is 0 or 2 or 3 || inspectRefused, $"{what}: exit {result.ExitCode}\n{result.All}");
            Assert.NotEqual("", result.StdOut + result.StdErr + (what.Contains("--output-file", StringComparison.Ordinal) ? "(file)" : ""));
        }
        runs.Add(("the report file", new CliRunner.Result(0, await File.ReadAllTextAsync(json), "")));
        // The names reached the output (escaped), so the scan below looks at them.
        Assert.Contains(runs, r => r.Result.StdOut.Contains(@"x\u000D\u001B[2K", StringComparison.Ordinal));
        Assert.Contains(runs, r => r.Result.StdOut.Contains(@"\u202Eli\u009B2J\u0007", StringComparison.Ordinal));

        var problems = runs.SelectMany(r => Unprintable(r.What, r.Result.StdOut, "stdout").Concat(Unprintable(r.What, r.Result.StdErr, "stderr"))).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(40)));
    }

    /// <summary>Every character a terminal would act on (C0/C1 controls but LF and TAB, DEL, format characters, separators).</summary>
    private static IEnumerable<string> Unprintable(string command, string text, string stream)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\n' or '\t' || char.IsSurrogate(c)) continue;
            if (char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                string around = new StringBuilder().Append(text, Math.Max(0, i - 30), Math.Min(30, i)).ToString()
                    .Replace("\u001b", "<ESC>").Replace("\r", "<CR>").Replace("\n", "<LF>");
                yield return $"{command} ({stream}): U+{(int)c:X4} after \"{around}\"";
            }
        }
    }
}

/// <summary>Ident.Quote writes a name with controls as <c>U&amp;"…"</c>: the server must read it back to the very same name.</summary>
public class UnicodeEscapedIdentifierTests
{
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task A_name_with_controls_quoted_for_SQL_is_printable_and_names_the_same_object_whatever_standard_conforming_strings_is(string conforming)
    {
        var db = await TestDatabase.CreateAsync();
        string[] names = ["x\r\u001b[2K\u001b[1A\nNo changes.\u001b[8m", "back\\slash \"quote\" \u202Eevil", "astral \U000E0001 tag", "sep\u2028\u0085\u009B"];
        await using var super = await db.SuperuserAsync();
        await TestDatabase.Exec(super, $"SET standard_conforming_strings = {conforming}");
        foreach (string name in names)
        {
            string quoted = Sql.Ident.Quote(name);
            Assert.StartsWith("U&\"", quoted);
            Assert.False(RoleManager.Reporting.Printable.NeedsEscape(quoted), quoted);
            await TestDatabase.Exec(super, $"CREATE TABLE public.{quoted} (id int); CREATE ROLE {quoted}; GRANT SELECT ON public.{quoted} TO {quoted}");
            await using var read = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.rolname = c.relname WHERE c.relname = $1 AND has_table_privilege(r.oid, c.oid, 'SELECT')", super);
            read.Parameters.Add(new() { Value = name });
            Assert.Equal(1L, (long)(await read.ExecuteScalarAsync())!);
            await TestDatabase.Exec(super, $"DROP TABLE public.{quoted}; DROP ROLE {quoted}");
        }
    }
}
