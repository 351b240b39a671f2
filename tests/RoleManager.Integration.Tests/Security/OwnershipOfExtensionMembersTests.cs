using RoleManager.Check;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// Issue 27, item 1: an extension's members belong to the extension. A trusted extension the master creates is owned,
/// with its members, by the bootstrap superuser (rdsadmin on RDS): they are never handed to the schema owner, never a
/// finding, and no grant or revoke is planned on them, so apply converges and check passes with the extension's own
/// ACLs (PUBLIC keeps EXECUTE on pgcrypto's functions).
/// </summary>
public class OwnershipOfExtensionMembersTests
{
    /// <summary>A trusted extension with a table, a sequence, a view and a function, which the test installs on the server.</summary>
    private const string TestExtension = "rm_items";

    public static TheoryData<string, string> Extensions() => new()
    {
        { "pgcrypto", "SELECT length(digest('x', 'sha256'))::text" },
        { "citext", "SELECT ('A'::citext = 'a'::citext)::text" },
        { "pg_trgm", "SELECT (similarity('word', 'words') > 0)::text" },
        { TestExtension, "SELECT app.rm_items_count()::text || (SELECT count(*) FROM app.rm_items)::text" },
    };

    [Theory]
    [MemberData(nameof(Extensions))]
    public async Task An_extension_in_a_managed_schema_converges_and_the_check_passes(string extension, string use)
    {
        var db = await TestDatabase.CreateAsync();
        if (extension == TestExtension && !await InstallTestExtensionAsync(db)) return; // the server's share directory is read-only here
        var layout = db.LoadLayout($$"""
            database: {{db.Name}}
            auth: password
            schemas: [{ name: app, owner: {{db.Migrator}} }]
            roles:
              - { name: {{db.Migrator}}, password_env: M, search_path: [app] }
              - { name: {{db.App}}, password_env: A, search_path: [app], grants: [{ schema: app, profile: readwrite }] }
            extensions: [{ name: {{extension}}, schema: app }]
            """);

        var applied = await db.ApplyAsync(layout);
        var (plan, check) = await db.Engine().CheckAsync(layout, new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);

        Assert.Empty(applied.Plan.Findings);
        Assert.True(plan.Plan.IsEmpty, string.Join("\n", plan.Plan.Changes.Select(c => c.Sql)));
        Assert.Empty(plan.Plan.Findings);
        Assert.True(check.Passed, string.Join("\n", check.Failures.Select(f => $"{f.Role}: {f.Name}: {f.Detail}")));
        await using var su = await db.SuperuserAsync();
        // The members stay the extension owner's (the bootstrap superuser for a trusted extension), with the ACLs its script gave.
        Assert.Equal(0L, await TestDatabase.Scalar<long>(su,
            "SELECT count(*) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid " +
            "LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid " +
            $"WHERE d.deptype = 'e' AND e.extname = '{extension}' AND coalesce(p.proowner, c.relowner) = '{db.Migrator}'::regrole"));
        if (extension == "pgcrypto")
            Assert.True(await TestDatabase.Scalar<bool>(su, "SELECT has_function_privilege('public', 'app.digest(text, text)', 'EXECUTE')"));
        await using var app = await db.LoginAsync(db.App);
        Assert.False(string.IsNullOrEmpty(await TestDatabase.Scalar<string>(app, use)));
    }

    /// <summary>
    /// Writes the test extension's control and script files to the server's share directory (the tests run as root, as
    /// does CI); false when that directory cannot be written.
    /// </summary>
    private static async Task<bool> InstallTestExtensionAsync(TestDatabase db)
    {
        await using var su = await db.SuperuserAsync();
        string share = await TestDatabase.Scalar<string>(su, "SELECT setting FROM pg_config WHERE name = 'SHAREDIR'");
        string directory = Path.Combine(share, "extension");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, $"{TestExtension}.control"), """
                comment = 'RoleManager tests: a trusted extension with a table, a sequence, a view and a function'
                default_version = '1.0'
                relocatable = false
                trusted = true
                """);
            await File.WriteAllTextAsync(Path.Combine(directory, $"{TestExtension}--1.0.sql"), """
                CREATE TABLE @extschema@.rm_items (id int PRIMARY KEY, name text);
                CREATE SEQUENCE @extschema@.rm_items_ids;
                CREATE VIEW @extschema@.rm_items_names AS SELECT name FROM @extschema@.rm_items;
                CREATE FUNCTION @extschema@.rm_items_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM @extschema@.rm_items';
                GRANT SELECT ON @extschema@.rm_items TO PUBLIC;
                """);
            return true;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }
}
