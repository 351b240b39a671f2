namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// README, "Try it": every SQL test runs against a server "set up like RDS (a master user that is *not* a superuser:
/// `CREATEROLE`, `CREATEDB`, member of `rds_superuser`, owner of the database)". Asked of the fixture's own server.
/// </summary>
public sealed class FixtureClaimsTests
{
    [Fact]
    public async Task The_fixtures_master_is_no_superuser_has_createrole_and_createdb_is_in_rds_superuser_and_owns_the_database()
    {
        var db = await TestDatabase.CreateAsync();
        await using var master = await db.MasterAsync();

        Assert.Equal(PostgresServer.MasterUser, await TestDatabase.Scalar<string>(master, "SELECT current_user::text"));
        Assert.False(await TestDatabase.Scalar<bool>(master, "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user"));
        Assert.True(await TestDatabase.Scalar<bool>(master, "SELECT rolcreaterole AND rolcreatedb FROM pg_catalog.pg_roles WHERE rolname = current_user"));
        Assert.True(await TestDatabase.Scalar<bool>(master, "SELECT pg_catalog.pg_has_role(current_user, 'rds_superuser', 'MEMBER')"));
        Assert.Equal(PostgresServer.MasterUser, await TestDatabase.Scalar<string>(master,
            "SELECT pg_catalog.pg_get_userbyid(datdba)::text FROM pg_catalog.pg_database WHERE datname = current_database()"));
    }
}
