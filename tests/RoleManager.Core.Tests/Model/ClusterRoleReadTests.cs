using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Core.Tests;

/// <summary>
/// A cluster run's one read of the roles (issue 28): a database uses it only with the digest it was made with, and sees
/// only its own roles and the master's facts about them, as its own read would give.
/// </summary>
public sealed class ClusterRoleReadTests
{
    private static CurrentRole Role(string name) =>
        new(name, true, false, false, false, true, false, false, -1, null, ImmutableHashSet<string>.Empty, true, true);

    private static readonly ClusterRoleRead Read = new(
        ImmutableDictionary<string, ImmutableDictionary<string, CurrentRole>>.Empty
            .Add("db1", new[] { "app", "db1_group" }.ToImmutableDictionary(n => n, Role))
            .Add("db2", new[] { "app", "db2_group" }.ToImmutableDictionary(n => n, Role)),
        MasterFacts.Unknown with
        {
            AvailableExtensions = ImmutableHashSet<string>.Empty,
            AdminOf = ["app", "db1_group", "db2_group"],
            PrivilegedVia = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("db1_group", ["pg_read_all_data"]),
        },
        ImmutableDictionary<string, string>.Empty.Add("db1", "digest-1").Add("db2", "digest-2"));

    [Fact]
    public void A_database_whose_digest_is_the_one_read_gets_its_own_roles_and_the_masters_facts_about_them_only()
    {
        var shared = Read.For("db2", "digest-2", ["app", "db2_group"]);

        Assert.NotNull(shared);
        Assert.Equal(["app", "db2_group"], shared.Value.Roles.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["app", "db2_group"], shared.Value.Master.AdminOf.Order(StringComparer.Ordinal));
        Assert.Empty(shared.Value.Master.PrivilegedVia);
    }

    [Theory]
    [InlineData("db2", "digest-1")] // the role state changed since the first database read it
    [InlineData("db3", "digest-2")] // a database whose master session is not the first's: no digest was kept for it
    public void A_database_whose_digest_differs_or_was_not_kept_reads_the_roles_itself(string database, string digest) =>
        Assert.Null(Read.For(database, digest, ["app"]));
}
