using RoleManager.Check;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests;

/// <summary>
/// The session each login role gets in a check (issue 19: one round trip, the CREATE in public last in the batch): a
/// CREATE that succeeds is still rolled back, and only SQLSTATE 42501 counts as the refusal.
/// </summary>
public class CheckSessionTests
{
    private static async Task<CheckResult> CheckAsync(TestDatabase db)
    {
        var (_, check) = await db.Engine().CheckAsync(db.DefaultLayout(), new PasswordLoginCredentials(), db.MasterSettings, CancellationToken.None);
        return check;
    }

    [Fact]
    public async Task A_role_that_may_create_in_public_fails_that_assertion_and_its_table_is_rolled_back()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        await using var su = await db.SuperuserAsync();
        await TestDatabase.Exec(su, $"GRANT CREATE ON SCHEMA public TO {db.App}");

        var check = await CheckAsync(db);

        var publicProbe = Assert.Single(check.Assertions, a => a.Role == db.App && a.Name == "cannot create in schema public");
        Assert.False(publicProbe.Passed);
        Assert.Equal("was allowed, but must be refused", publicProbe.Detail);
        Assert.Contains(check.Assertions, a => a.Role == db.App && a.Name.StartsWith("logs in") && a.Passed);
        Assert.Equal(0L, await TestDatabase.Scalar<long>(su, "SELECT count(*) FROM pg_class WHERE relname LIKE 'rm_check%'"));
    }

    [Fact]
    public async Task A_refusal_other_than_42501_fails_the_public_assertion_naming_its_sqlstate()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(db.DefaultLayout());
        // The role's sessions are read-only: its CREATE fails with 25006 before any privilege is looked at.
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"ALTER ROLE {db.App} SET default_transaction_read_only = on");

        var check = await CheckAsync(db);

        var publicProbe = Assert.Single(check.Assertions, a => a.Role == db.App && a.Name == "cannot create in schema public");
        Assert.False(publicProbe.Passed);
        Assert.StartsWith("failed with 25006: ", publicProbe.Detail);
        // The other login role is unaffected.
        Assert.Contains(check.Assertions, a => a.Role == db.Migrator && a.Name == "cannot create in schema public" && a.Passed && a.Detail == "refused (42501)");
    }
}
