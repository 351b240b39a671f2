using System.Text.RegularExpressions;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// The README's "What it builds" table and its `--app-profile all` sentence, read from the text: the privileges app
/// holds on a table migrator creates are exactly those, asked of the server after a real apply through the CLI.
/// </summary>
public sealed partial class DefaultLayoutClaimsTests
{
    private static readonly string[] TablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"];

    [Fact]
    public async Task App_holds_on_migrators_tables_what_the_readme_says_by_default_and_with_app_profile_all()
    {
        string readme = Regex.Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")), @"\s+", " ");
        // "| existing objects in `app` | app: `SELECT, INSERT, UPDATE, DELETE` on tables; ..." and "| future objects created by migrator | the same, ..."
        Assert.Contains("| future objects created by migrator | the same, through", readme);
        var byDefault = Privileges(Regex.Match(readme, @"\| existing objects in `app` \| app: `(?<list>[A-Z, ]+)` on tables").Groups["list"].Value);
        Assert.NotEmpty(byDefault);
        // "`--app-profile all` grants app every table privilege (`TRUNCATE`, `REFERENCES`, `TRIGGER`, and `MAINTAIN` on 17+)"
        var all = Regex.Match(readme, @"`--app-profile all` grants app every table privilege \((?<list>[^)]+?)(?: and `(?<gated>[A-Z]+)` on (?<major>\d+)\+)?\)");
        Assert.True(all.Success, "the README no longer says what --app-profile all grants");
        var more = Regex.Matches(all.Groups["list"].Value, "`([A-Z]+)`").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(more);

        var db = await TestDatabase.CreateAsync();
        var env = CliEnvironment.Master(db);
        Assert.Equal(0, (await CliRunner.RunAsync(env, "apply", "--auth", "password")).ExitCode);
        await using (var migrator = await db.LoginAsync(db.Migrator))
            await TestDatabase.Exec(migrator, "CREATE TABLE app.orders (id int)"); // a future object: the default privileges give it
        Assert.Equal(byDefault, await HeldAsync(db, db.App));

        var apply = await CliRunner.RunAsync(env, "apply", "--auth", "password", "--app-profile", "all");
        Assert.True(apply.ExitCode == 0, apply.All);
        await using var master = await db.MasterAsync();
        int major = await TestDatabase.Scalar<int>(master, "SELECT current_setting('server_version_num')::int / 10000");
        var expected = byDefault.Concat(more)
            .Concat(all.Groups["gated"].Success && major >= int.Parse(all.Groups["major"].Value) ? [all.Groups["gated"].Value] : []).Distinct();
        Assert.Equal(expected.Order(), (await HeldAsync(db, db.App)).Order());
    }

    private static List<string> Privileges(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The table privileges the server says the role holds on app.orders, in TablePrivileges' order (by oid: the master may not look up names in app).</summary>
    private static async Task<List<string>> HeldAsync(TestDatabase db, string role)
    {
        await using var master = await db.MasterAsync();
        int major = await TestDatabase.Scalar<int>(master, "SELECT current_setting('server_version_num')::int / 10000");
        var held = new List<string>();
        foreach (string privilege in TablePrivileges.Where(p => p != "MAINTAIN" || major >= 17))
            if (await TestDatabase.Scalar<bool>(master, $"SELECT has_table_privilege('{role}', c.oid, '{privilege}') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' AND c.relname = 'orders'")) held.Add(privilege);
        return held;
    }
}
