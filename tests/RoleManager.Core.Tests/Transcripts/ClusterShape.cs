namespace RoleManager.Core.Tests.Transcripts;

/// <summary>
/// A PostgreSQL major and the cluster shape the integration suite runs it as (RM_PG_SHAPE, see
/// tests/RoleManager.Testing/PostgresServer.cs), reduced to the two facts that change the default layout's plan: who owns
/// schema public, and <c>createrole_self_grant</c>.
/// </summary>
/// <param name="PublicOwnedBySuperuser">The rds shape before 15 and the upgraded shape: a superuser owns public (its CREATE for
/// PUBLIC already revoked by the one-time fix the suite applies), so the master has nothing to do there.</param>
/// <param name="SelfGrant"><c>createrole_self_grant = 'set, inherit'</c> (the rds and selfgrant shapes, 16+).</param>
public sealed record ClusterShape(int Major, bool PublicOwnedBySuperuser = false, bool SelfGrant = false)
{
    public int VersionNum => Major * 10000;

    /// <summary>
    /// The approved file's suffix: the groups of majors and shapes whose SQL is the same. Before 15 a plain database's
    /// public belongs to the master (RDS's template1) with CREATE for PUBLIC, which the plan revokes; from 15
    /// pg_database_owner owns it without that CREATE. From 16 acting as a role needs a membership with INHERIT and SET,
    /// which <c>createrole_self_grant</c> gives the master at CREATE ROLE.
    /// </summary>
    public string ApprovedSuffix => (Major, PublicOwnedBySuperuser, SelfGrant) switch
    {
        ( < 15, false, _) => "pg13-14.master-owns-public",
        ( < 16, _, _) => "pg13-15",
        (_, _, false) => "pg16+",
        _ => "pg16+.createrole-self-grant",
    };

    /// <summary>This major and shape in a file name (a received transcript is written per case: cases share approved files).</summary>
    public string Id => $"pg{Major}{(PublicOwnedBySuperuser ? "-superuser-public" : "")}{(SelfGrant ? "-selfgrant" : "")}";

    public override string ToString() => $"pg{Major}{(PublicOwnedBySuperuser ? " superuser-owned public" : "")}{(SelfGrant ? " createrole_self_grant" : "")}";

    /// <summary>Every major and shape the integration suite runs (plain, rds, upgraded, selfgrant).</summary>
    public static IEnumerable<ClusterShape> All() =>
        Enumerable.Range(13, 6).SelectMany(major => new[]
        {
            new ClusterShape(major),
            new ClusterShape(major, PublicOwnedBySuperuser: true),
            new ClusterShape(major, PublicOwnedBySuperuser: major < 15, SelfGrant: major >= 16),
        }).Distinct();
}
