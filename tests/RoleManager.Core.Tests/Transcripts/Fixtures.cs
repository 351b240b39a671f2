using System.Collections.Immutable;
using RoleManager.Config;
using RoleManager.Model;

namespace RoleManager.Core.Tests.Transcripts;

/// <summary>
/// The catalog as the inspector reads it for the transcript scenarios, built in memory per <see cref="ClusterShape"/>: a
/// database as RDS creates it (owned by the master, nothing declared yet), and the same database once the default layout
/// is applied. Names are the approved files' placeholders, so a transcript needs no replacing. The integration suite's
/// <c>ExecutorTranscriptTests</c> runs each scenario once on a real server and asserts its transcript equals the one
/// made from these, so they cannot drift from what the inspector reads.
/// </summary>
internal static class Fixtures
{
    public const string Master = "rm_master";
    public const string Database = "{database}";
    public const string Migrator = "{prefix}_migrator";
    public const string App = "{prefix}_app";
    /// <summary>Not the test servers' passwords: these only prove a transcript masks what the executor sends.</summary>
    public const string MigratorPassword = "in-memory-migrator-pw", AppPassword = "in-memory-app-pw";

    private const Privilege ConnectTemp = Privilege.Connect | Privilege.Temporary;
    private const Privilege UsageCreate = Privilege.Usage | Privilege.Create;

    /// <summary>The default layout with password logins, as the integration tests' <c>TestDatabase.Request</c> declares it.</summary>
    public static DesiredState DefaultLayout() => Config.DefaultLayout.Build(new DefaultLayoutOptions(Database, "app", App, Migrator, AuthMode.Password,
        AppPassword: new Secret(AppPassword), MigratorPassword: new Secret(MigratorPassword)));

    /// <summary>A new database owned by the master: no declared role or schema yet, PUBLIC may connect.</summary>
    public static CurrentState NewDatabase(ClusterShape shape) => State(shape,
        Acl((CurrentState.Public, ConnectTemp), (Master, ConnectTemp | Privilege.Create)),
        roles: [], schemas: [Public(shape, publicMayCreate: shape is { Major: < 15, PublicOwnedBySuperuser: false })], defaults: [],
        masterMemberOf: []);

    /// <summary>The database once the default layout is applied: what a second apply inspects.</summary>
    public static CurrentState Converged(ClusterShape shape)
    {
        var tables = Privilege.Select | Privilege.Insert | Privilege.Update | Privilege.Delete;
        return State(shape,
            Acl((Master, ConnectTemp | Privilege.Create), (Migrator, ConnectTemp), (App, ConnectTemp)),
            roles: [Role(shape, Migrator), Role(shape, App)],
            schemas:
            [
                Public(shape, publicMayCreate: false),
                new CurrentSchema("app", Migrator, false, Acl((Migrator, UsageCreate), (App, Privilege.Usage))),
            ],
            defaults:
            [
                new DefaultAcl(Migrator, "app", ObjectKind.Table, Acl((App, tables))),
                new DefaultAcl(Migrator, "app", ObjectKind.Sequence, Acl((App, Privilege.Usage | Privilege.Select | Privilege.Update))),
                new DefaultAcl(Migrator, "app", ObjectKind.Routine, Acl((App, Privilege.Execute))),
                // The global entry that takes EXECUTE on migrator's future functions from PUBLIC.
                new DefaultAcl(Migrator, DefaultAcl.Global, ObjectKind.Routine, Acl((Migrator, Privilege.Execute))),
            ],
            masterMemberOf: [Migrator, App]);
    }

    private static CurrentState State(ClusterShape shape, ImmutableDictionary<string, Privilege> databaseAcl, CurrentRole[] roles,
        CurrentSchema[] schemas, DefaultAcl[] defaults, string[] masterMemberOf) =>
        new(new ServerInfo(shape.VersionNum, $"{shape.Major}.0", Master, false, Database, Master, HasRdsIam: true),
            databaseAcl, ["plpgsql"], roles.ToImmutableDictionary(r => r.Name), schemas.ToImmutableDictionary(s => s.Name),
            [], [.. defaults])
        { MasterFacts = MasterFacts(shape, masterMemberOf) };

    /// <summary>
    /// Schema public of a new database: before 15 RDS gives it to the master (template1) with CREATE for PUBLIC; from 15
    /// pg_database_owner owns it, without that CREATE; in the superuser-owned shapes rdsadmin owns it.
    /// </summary>
    private static CurrentSchema Public(ClusterShape shape, bool publicMayCreate)
    {
        var (owner, masterIsOwner) = shape switch
        {
            { PublicOwnedBySuperuser: true } => ("rdsadmin", false),
            { Major: < 15 } => (Master, true),
            _ => ("pg_database_owner", true),
        };
        return new CurrentSchema("public", owner, masterIsOwner,
            Acl((owner, UsageCreate), (CurrentState.Public, publicMayCreate ? UsageCreate : Privilege.Usage)));
    }

    /// <summary>A declared login role as the run created it (password logins: no rds_iam), search_path app in this database.</summary>
    private static CurrentRole Role(ClusterShape shape, string name) =>
        new(name, Login: true, Superuser: false, CreateDb: false, CreateRole: false, Inherit: true, Replication: false, BypassRls: false,
            ConnectionLimit: -1, SearchPath: null, MemberOf: [], CurrentUserHasPrivileges: shape.SelfGrant, CurrentUserCanSetRole: shape.Major < 16 || shape.SelfGrant)
        { DatabaseSettings = ["search_path=app"] };

    /// <summary>
    /// The master as the test servers make it (like RDS): a member of rds_superuser, with ADMIN on rds_iam from 16; from 16
    /// CREATE ROLE also made it a member of each role it created, with ADMIN (and SET, INHERIT under createrole_self_grant).
    /// </summary>
    private static MasterFacts MasterFacts(ClusterShape shape, string[] created)
    {
        bool from16 = shape.Major >= 16;
        MasterMembership[] memberships =
        [
            new("rds_superuser", Admin: false, Inherit: from16 ? true : null, Set: from16 ? true : null, GrantedByMaster: false),
            .. from16 ? new MasterMembership[] { new("rds_iam", Admin: true, Inherit: false, Set: false, GrantedByMaster: false) } : [],
            .. from16 ? created.Select(role => new MasterMembership(role, Admin: true, Inherit: shape.SelfGrant, Set: shape.SelfGrant, GrantedByMaster: false)) : [],
        ];
        return new MasterFacts(shape.SelfGrant ? "set, inherit" : "", Replication: false, BypassRls: false,
            Superusers: ["postgres", "rdsadmin"], AvailableExtensions: ["plpgsql", "pg_stat_statements"],
            [.. memberships.OrderBy(m => m.Role, StringComparer.Ordinal)],
            AdminOf: from16 ? ["rds_iam", .. created] : [],
            PrivilegedVia: ImmutableDictionary<string, ImmutableArray<string>>.Empty);
    }

    private static ImmutableDictionary<string, Privilege> Acl(params (string Grantee, Privilege Privileges)[] acl) =>
        acl.ToImmutableDictionary(a => a.Grantee, a => a.Privileges);
}
