using System.Text.RegularExpressions;
using RoleManager.Integration.Tests.Fidelity;
using RoleManager.Integration.Tests.Shapes;

// In a ".Shapes." namespace on purpose: bin/test runs the shape tests (FullyQualifiedName~.Shapes.) on 13 rds,
// 15 upgraded and 17 rds, so this test reads the server of every shape the suite runs on, not only plain.
namespace RoleManager.Integration.Tests.Docs.Shapes;

/// <summary>
/// docs/postgres-shapes.md, "Shapes in the tests": the table of RM_PG_SHAPE values and "each test database of those
/// shapes gets it right after CREATE DATABASE", asked of the server the suite really runs on (whichever major and shape).
/// </summary>
public sealed class ShapesDocClaimsTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "postgres-shapes.md"));

    [Fact]
    public async Task The_test_server_has_the_shape_the_table_of_postgres_shapes_md_gives_it()
    {
        var rows = Regex.Matches(Page, @"^\| `(?<shape>\w+)`(?<default> \(default\))? \| (?<what>.+) \|\s*$", RegexOptions.Multiline);
        Assert.Equal(PostgresServer.Shapes, rows.Select(r => r.Groups["shape"].Value));
        Assert.Equal("plain", Assert.Single(rows, r => r.Groups["default"].Success).Groups["shape"].Value);

        var db = await TestDatabase.CreateAsync();
        string shape = PostgresServer.Shape, master = PostgresServer.MasterUser;
        int version = db.Server.VersionNum;
        const string PublicOwner = "SELECT nspowner::regrole::text FROM pg_catalog.pg_namespace WHERE nspname = 'public'";
        const string PublicMayCreate = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a " +
                                       "WHERE n.nspname = 'public' AND a.grantee = 0::oid AND a.privilege_type = 'CREATE')";

        // plain: "before 15 the master is given public in template1; from 15 pg_database_owner owns it"; rds: "before 15
        // the superuser rdsadmin owns public (PUBLIC may create)"; upgraded: "rdsadmin owns public, PUBLIC may create".
        bool superuserOwned = shape == "upgraded" || (shape == "rds" && version < 150000);
        string expectedOwner = superuserOwned ? PostgresServer.RdsAdmin : version < 150000 ? master : "pg_database_owner";
        await using (var su = await db.SuperuserAsync())
            Assert.Equal(expectedOwner, await TestDatabase.Scalar<string>(su, PublicOwner));
        await using (var template = await db.Server.OpenSuperuserAsync("template1"))
        {
            Assert.Equal(expectedOwner, await TestDatabase.Scalar<string>(template, PublicOwner));
            if (superuserOwned) Assert.True(await TestDatabase.Scalar<bool>(template, PublicMayCreate), "the raw shape lets PUBLIC create in public");
        }
        // "each test database of those shapes gets it right after CREATE DATABASE": the DBA's one-time REVOKE is done.
        if (superuserOwned)
            await using (var su = await db.SuperuserAsync())
                Assert.False(await TestDatabase.Scalar<bool>(su, PublicMayCreate));

        // rds and selfgrant: "from 16 createrole_self_grant = 'set, inherit'"; every other shape leaves it empty.
        if (version >= 160000)
            await using (var su = await db.SuperuserAsync())
                Assert.Equal(shape is "rds" or "selfgrant" ? "set, inherit" : "", await TestDatabase.Scalar<string>(su, "SHOW createrole_self_grant"));

        // shared: "plain, plus three other application databases with their own cluster-wide roles and objects".
        await using (var su = await db.SuperuserAsync())
        {
            long others = await TestDatabase.Scalar<long>(su,
                "SELECT count(*) FROM pg_catalog.pg_database d WHERE d.datname ~ '^shared[0-9]+$' " +
                "AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = d.datname || '_owner') " +
                "AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = d.datname || '_app')");
            Assert.Equal(shape == "shared" ? 3L : 0L, others);
        }
        if (shape == "shared")
            await using (var other = await db.Server.OpenSuperuserAsync("shared1"))
                Assert.Equal("shared1_owner", await TestDatabase.Scalar<string>(other, "SELECT pg_catalog.pg_get_userbyid(relowner)::text FROM pg_catalog.pg_class WHERE oid = 'app.t'::regclass"));
    }

    /// <summary>
    /// "On the rds/upgraded shapes PUBLIC may create in a superuser-owned public: only a superuser can change that, so
    /// every plan names the finding (REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;) and check fails until it is run."
    /// The raw shape (PUBLIC's CREATE in place), on whatever major the suite runs: check fails with the finding, the
    /// finding's SQL run by a superuser makes it pass.
    /// </summary>
    [Fact]
    public async Task On_a_superuser_owned_public_that_public_may_create_in_check_fails_until_the_findings_sql_is_run()
    {
        Assert.Contains("every plan names the finding (`REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC;`) and `check` fails until it is run.",
            Regex.Replace(Page, @"\s+", " "));
        var db = await TestDatabase.CreateAsync();
        await ShapeSql.GivePublicToASuperuserAsync(db);
        var layout = db.PasswordLayout();
        Assert.True((await db.ApplyAsync(layout)).Committed);

        var (plan, check) = await FidelityRuns.CheckAsync(db, layout);

        Assert.False(check.Passed);
        var finding = Assert.Single(plan.Plan.Findings, f => f.Subject == "schema public");
        Assert.Equal("REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC;", finding.FixSql);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, finding.FixSql);
        var (_, after) = await FidelityRuns.CheckAsync(db, layout);
        Assert.True(after.Passed, FidelityRuns.Failures(after));
    }
}
