namespace RoleManager.Integration.Tests.Fidelity;

/// <summary>
/// Finding 10 of the drift fuzzer: schema <c>public</c> given to a declared role. Its owner can create there (and let
/// others), so check failed "cannot create in schema public" while plan was empty. Now plan hands public back to the
/// database's owner (the master here, which owns the database as on RDS), apply does it, and check passes.
/// </summary>
public sealed class PublicSchemaOwnerTests
{
    [Fact]
    public async Task Schema_public_given_to_a_declared_role_is_handed_back_to_the_database_owner_and_check_passes()
    {
        var db = await TestDatabase.CreateAsync();
        var desired = db.RichLayout();
        await db.ApplyAsync(desired);
        await using var superuser = await db.SuperuserAsync();
        await TestDatabase.Exec(superuser, $"GRANT CREATE ON SCHEMA public TO PUBLIC; ALTER SCHEMA public OWNER TO {db.App}");

        var plan = (await db.PlanAsync(desired)).Plan;
        Assert.Contains(plan.Changes, c => c.Sql == $"ALTER SCHEMA \"public\" OWNER TO \"{PostgresServer.MasterUser}\"");
        var (_, before) = await FidelityRuns.CheckAsync(db, desired);
        Assert.False(before.Passed);

        await db.ApplyAsync(desired);
        var after = (await db.PlanAsync(desired)).Plan;
        Assert.True(after.IsConverged, FidelityRuns.Pending(after));
        var (_, check) = await FidelityRuns.CheckAsync(db, desired);
        Assert.True(check.Passed, FidelityRuns.Failures(check));
        Assert.False(await FidelityRuns.AskAsync(superuser, $"has_schema_privilege('{db.App}', 'public', 'CREATE') OR has_schema_privilege('{db.Reporting}', 'public', 'CREATE')"));
    }
}
