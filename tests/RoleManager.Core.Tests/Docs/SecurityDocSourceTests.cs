using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using RoleManager.Check;
using RoleManager.Connect;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Planning;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// Sentences of docs/security.md that the repository itself can prove without a server: each test reads the doc's
/// sentence, so rewording the page without the code (or the code without the page) fails here.
/// </summary>
public sealed partial class SecurityDocSourceTests
{
    private const string Page = "docs/security.md";

    /// <summary>
    /// §1: "The catalog SQL also compares with 0::oid." pg_catalog has no =(oid, integer): an oid column compared with
    /// a bare integer literal resolves through whatever operator of that signature is on the search path, which is how
    /// a planted operator ran as the master. The pinned search_path is the first defence; this is the second, so it must
    /// hold for every embedded query, not only the one the issue found.
    /// </summary>
    [Fact]
    public void Every_catalog_query_compares_a_column_with_0_oid_never_with_a_bare_integer_zero()
    {
        DocText.Says(Page, @"The catalog SQL also compares with `0::oid`\.");
        var files = DocText.SourceFiles("src", "*.sql").ToList();
        Assert.NotEmpty(files);

        var bare = new List<string>();
        foreach (string file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].Split("--")[0];
                // A column (a name, not a function call's closing parenthesis) compared with 0 that is not 0::oid.
                foreach (Match m in BareZero().Matches(code))
                    bare.Add($"{Path.GetRelativePath(DocText.Root, file)}:{i + 1}: {m.Value.Trim()}");
            }
        }
        Assert.True(bare.Count == 0, "write 0::oid (pg_catalog has no =(oid, integer)):\n" + string.Join("\n", bare));
    }

    /// <summary>
    /// Operating notes: "ROLE_MANAGER_ALLOW_INSECURE_TLS ... off unless set to true". Values people write for "yes"
    /// (1, yes, on) leave the Lambda at verify-full; only true (any case) lets a weaker mode through, with its warning.
    /// </summary>
    [Theory]
    [InlineData("1", false)]
    [InlineData("yes", false)]
    [InlineData("on", false)]
    [InlineData("", false)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    public void The_lambdas_insecure_tls_switch_is_off_unless_set_to_true(string value, bool allowed)
    {
        DocText.Says(Page, @"`ROLE_MANAGER_ALLOW_EVENT_CONFIG` and `ROLE_MANAGER_ALLOW_INSECURE_TLS` are the only switches that widen what the function accepts; both are off unless set to `true`\.");
        Func<string, string?> environment = name => name switch
        {
            "DB_HOST" => "db",
            "PGSSLMODE" => "require",
            ConnectionResolver.AllowInsecureTlsVariable => value,
            _ => null,
        };

        if (allowed)
        {
            var settings = ConnectionResolver.Resolve(new ConnectionInputs(), environment, host: HostKind.Lambda);
            Assert.Equal(TlsMode.Require, settings.Tls);
            Assert.Contains(ConnectionResolver.AllowInsecureTlsVariable, settings.TlsWarning);
        }
        else
        {
            var refused = Assert.Throws<ConfigException>(() => ConnectionResolver.Resolve(new ConnectionInputs(), environment, host: HostKind.Lambda));
            Assert.Contains($"{ConnectionResolver.AllowInsecureTlsVariable}=true", refused.Message);
        }
    }

    /// <summary>§8: "at most Checker.LoginParallelism (4 per core, at most 16) at once".</summary>
    [Fact]
    public void Logins_run_four_per_core_and_at_most_sixteen_at_once_as_the_page_says()
    {
        var said = DocText.Says(Page, @"at most `Checker\.LoginParallelism` \((?<per>\d+) per core, at most (?<max>\d+)\) at once");
        int perCore = int.Parse(said.Groups["per"].Value, CultureInfo.InvariantCulture), max = int.Parse(said.Groups["max"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Math.Min(max, perCore * Environment.ProcessorCount), Checker.LoginParallelism);
    }

    /// <summary>
    /// §8: "The database-wide read-only default is drift: plan resets it (ALTER DATABASE … RESET
    /// default_transaction_read_only) where the master owns the database, a finding naming that statement otherwise".
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_database_wide_read_only_default_is_reset_where_the_master_owns_the_database_and_a_finding_otherwise(bool masterOwns)
    {
        DocText.Says(Page, @"plan resets it \(`ALTER DATABASE … RESET default_transaction_read_only`\) where the master owns the database, a finding naming that statement otherwise");
        var current = CatalogBuilder.Converged().Build();
        current = current with { Server = current.Server with { DatabaseOwner = masterOwns ? current.Server.CurrentUser : "dba", DatabaseReadOnly = "on" } };
        var layout = DefaultLayout.Build(new DefaultLayoutOptions("appdb", AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));

        var plan = Planner.Plan(layout, current);

        const string Reset = "ALTER DATABASE \"appdb\" RESET default_transaction_read_only";
        if (masterOwns)
        {
            Assert.Equal(Reset, Assert.Single(plan.Changes).Sql);
            Assert.Empty(plan.Findings);
        }
        else
        {
            Assert.Empty(plan.Changes);
            Assert.Equal(Reset, Assert.Single(plan.Findings).FixSql);
        }
    }

    /// <summary>
    /// §7: the drop of a retiring role is not planned "when the role owns code in a managed schema, a database, a
    /// tablespace or objects in another database": a finding names what it owns, and neither DROP OWNED (which would
    /// delete it) nor DROP ROLE nor a REASSIGN to anyone is planned, even with a reassign_owned_to heir.
    /// </summary>
    [Theory]
    [InlineData("database", "database legacy_db")]
    [InlineData("tablespace", "tablespace legacy_space")]
    [InlineData("objects in another database", "objects in another database 3 in reports")]
    [InlineData("code", "function app.plant")]
    public void A_retiring_role_that_owns_code_in_a_managed_schema_or_what_no_run_here_can_move_is_a_finding_not_a_drop(string kind, string named)
    {
        DocText.Says(Page, @"So is a drop when the role owns code in a managed schema, a database, a tablespace or objects in another database");
        var state = CatalogBuilder.Converged().Build();
        state = state with { Roles = state.Roles.Add("legacy", state.Roles["app"] with { Name = "legacy" }).Add("archive", state.Roles["app"] with { Name = "archive" }) };
        state = kind == "code"
            ? state with { Objects = [new DbObject("app", "plant", "", ObjectKind.Routine, "legacy", false, ImmutableDictionary<string, Privilege>.Empty) { SubKind = "f", Code = "a SECURITY DEFINER function" }] }
            : state with { OwnedByRetiring = [new OwnedObject("legacy", kind, null, named[(kind.Length + 1)..], false)] };
        var layout = DefaultLayout.Build(new DefaultLayoutOptions("appdb", AppPassword: new Secret("app-secret-pw"), MigratorPassword: new Secret("mig-secret-pw")));
        layout = layout with
        {
            Roles = layout.Roles.Add(new RoleSpec("legacy", true, AuthMode.None, null, [], [], [], Drop: true) { ReassignOwnedTo = "archive" })
                .Add(new RoleSpec("archive", false, AuthMode.None, null, [], [], [])),
        };

        var plan = Planner.Plan(layout, state);

        Assert.DoesNotContain(plan.Changes, c => c.Sql.Contains("\"legacy\"", StringComparison.Ordinal) &&
            (c.Sql.StartsWith("DROP", StringComparison.Ordinal) || c.Sql.StartsWith("REASSIGN", StringComparison.Ordinal) || c.Sql.Contains("OWNER TO", StringComparison.Ordinal)));
        Assert.Contains(plan.Findings, f => f.Subject == "role legacy" && f.Problem.Contains(named, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"[A-Za-z_][\w.]*\s*(?:=|<>|!=)\s*0(?![\w:.])")]
    private static partial Regex BareZero();
}
