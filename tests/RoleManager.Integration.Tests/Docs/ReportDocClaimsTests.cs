using System.Text.Json.Nodes;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Docs;

/// <summary>
/// docs/report.md's description of what the report covers, run through the CLI on a database with every kind of
/// relation, each login method and a schema where anyone may create: what it lists, how it names logins and kinds,
/// whose future objects it computes, that its JSON is the same twice and has no null field, and how a diff marks each change.
/// </summary>
public sealed class ReportDocClaimsTests
{
    [Fact]
    public async Task The_report_covers_every_relation_kind_every_role_and_each_login_method_is_the_same_twice_and_marks_each_change()
    {
        var db = await TestDatabase.CreateAsync();
        string p = db.Prefix;
        await using (var su = await db.SuperuserAsync())
        {
            int major = await TestDatabase.Scalar<int>(su, "SELECT current_setting('server_version_num')::int / 10000");
            await TestDatabase.Exec(su, $"""
                CREATE ROLE {p}_group NOLOGIN;
                CREATE ROLE {p}_pw LOGIN;
                CREATE ROLE {p}_iam LOGIN IN ROLE rds_iam;
                CREATE ROLE {p}_maker LOGIN;
                CREATE SCHEMA rep;
                CREATE TABLE rep.t (id int);
                CREATE VIEW rep.v AS SELECT id FROM rep.t;
                CREATE MATERIALIZED VIEW rep.mv AS SELECT 1 AS x;
                CREATE TABLE rep.p (id int) PARTITION BY RANGE (id);
                CREATE TABLE rep.p1 PARTITION OF rep.p FOR VALUES FROM (0) TO (10);
                CREATE FOREIGN DATA WRAPPER {p}_fdw;
                CREATE SERVER {p}_srv FOREIGN DATA WRAPPER {p}_fdw;
                CREATE FOREIGN TABLE rep.ft (id int) SERVER {p}_srv;
                GRANT USAGE ON SCHEMA rep TO {p}_pw;
                GRANT SELECT ON ALL TABLES IN SCHEMA rep TO {p}_pw;
                CREATE SCHEMA open;
                GRANT USAGE, CREATE ON SCHEMA open TO PUBLIC;
                ALTER DEFAULT PRIVILEGES FOR ROLE {p}_maker IN SCHEMA open GRANT SELECT ON TABLES TO {p}_group;
                {(major >= 17 ? $"GRANT pg_maintain TO {p}_pw;" : "")}
                """);
        }
        var env = CliEnvironment.Master(db);

        var first = await CliRunner.RunAsync(env, "report", "--format", "json");
        var second = await CliRunner.RunAsync(env, "report", "--format", "json");

        Assert.True(first.ExitCode == 0, first.All);
        Assert.True(second.ExitCode == 0, second.All);
        var report = JsonNode.Parse(first.StdOut)!;
        // "its user schemas (every schema except pg_* and information_schema), their tables (and views, materialized views, foreign and partitioned tables)"
        var schemas = report["schemas"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("rep", schemas);
        Assert.Contains("open", schemas);
        Assert.DoesNotContain(schemas, s => s.StartsWith("pg_", StringComparison.Ordinal) || s == "information_schema");
        var rep = report["schemas"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "rep")!;
        Assert.Equal(["ft", "mv", "p", "p1", "t", "v"], rep["tables"]!.AsArray().Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Contains(Access(report, $"{p}_pw"), a => a["privileges"]!.AsArray().Any(x => x!.GetValue<string>() == "SELECT") && a["on"]!["schema"]?.GetValue<string>() == "rep");

        // "For every role of the cluster and for PUBLIC", with its kind and login method.
        var roles = report["roles"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!);
        Assert.Equal(("group", "none"), Role(roles[$"{p}_group"]));
        Assert.Equal(("login", "password-or-other"), Role(roles[$"{p}_pw"]));
        Assert.Equal(("login", "iam"), Role(roles[$"{p}_iam"]));
        Assert.Equal("public", roles["PUBLIC"]["kind"]!.GetValue<string>());
        Assert.Equal("predefined", roles["pg_monitor"]["kind"]!.GetValue<string>());
        Assert.Equal("rds", roles["rds_superuser"]["kind"]!.GetValue<string>());
        await using (var su = await db.SuperuserAsync())
        await using (var names = await new Npgsql.NpgsqlCommand($"SELECT rolname FROM pg_roles WHERE rolname LIKE '{p}%' OR rolname LIKE 'pg%' OR rolname LIKE 'rds%'", su).ExecuteReaderAsync())
            while (await names.ReadAsync())
                Assert.True(roles.ContainsKey(names.GetString(0)), $"{names.GetString(0)} is a role of the cluster the report leaves out");

        // "pg_maintain (17+: MAINTAIN)", a predefined path.
        if (roles.ContainsKey("pg_maintain"))
            Assert.Contains(Access(report, $"{p}_pw"), a => a["privileges"]!.AsArray().Any(x => x!.GetValue<string>() == "MAINTAIN") && a["path"]!["via"]!.GetValue<string>() == "predefined");

        // Future objects: a role that can create in `open` only because PUBLIC may is left out unless it sets default privileges there.
        var futureCreators = report["access"]!.AsArray().Where(a => a!["on"]!["future"]!.GetValue<bool>() && a["on"]!["schema"]?.GetValue<string>() == "open")
            .Select(a => a!["on"]!["createdBy"]!.GetValue<string>()).ToHashSet();
        Assert.Contains($"{p}_maker", futureCreators);
        Assert.DoesNotContain($"{p}_pw", futureCreators);
        Assert.DoesNotContain(PostgresServer.SuperUser, futureCreators);

        // "Null fields are omitted. Arrays are sorted, so two reports of the same database are equal apart from generatedAt."
        Assert.Empty(Nulls(report));
        Assert.Equal(Comparable(report, p), Comparable(JsonNode.Parse(second.StdOut)!, p));

        // "one line per object and change with the privileges together: + gained, - lost, ~ the same access through another path"
        string earlier = Path.Combine(Path.GetTempPath(), $"report-doc-{db.Name}.json");
        await File.WriteAllTextAsync(earlier, first.StdOut);
        await using (var su = await db.SuperuserAsync())
            await TestDatabase.Exec(su, $"REVOKE SELECT ON rep.t FROM {p}_pw; GRANT USAGE ON SCHEMA rep TO {p}_group; GRANT SELECT ON rep.v TO {p}_group; "
                + $"GRANT {p}_group TO {p}_pw; REVOKE SELECT ON rep.v FROM {p}_pw; GRANT SELECT ON rep.mv TO {p}_iam");
        var diff = await CliRunner.RunAsync(env, "report", "--diff", earlier);
        File.Delete(earlier);
        Assert.True(diff.ExitCode == 2, diff.All);
        Assert.Contains("  + SELECT on table in rep (1): mv — granted directly", Block(diff.StdOut, $"{p}_iam"));
        var changed = Block(diff.StdOut, $"{p}_pw");
        Assert.Contains(changed, l => l.StartsWith("  - SELECT on table in rep (1): t — ", StringComparison.Ordinal));
        Assert.Contains(changed, l => l.StartsWith("  ~ SELECT on table in rep (1): v — ", StringComparison.Ordinal));
    }

    /// <summary>The lines of one role's block in a text diff: its name alone on a line, then its indented lines.</summary>
    private static List<string> Block(string diff, string role)
    {
        var lines = diff.Split('\n');
        int start = Array.IndexOf(lines, role);
        Assert.True(start >= 0, $"no block for {role} in:\n{diff}");
        return [.. lines[(start + 1)..].TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))];
    }

    private static List<JsonNode> Access(JsonNode report, string role) =>
        [.. report["access"]!.AsArray().Where(a => a!["role"]!.GetValue<string>() == role).Select(a => a!)];

    private static (string Kind, string Login) Role(JsonNode role) => (role["kind"]!.GetValue<string>(), role["login"]!.GetValue<string>());

    private static IEnumerable<string> Nulls(JsonNode? node, string path = "$") => node switch
    {
        null => [path],
        JsonObject o => o.SelectMany(kv => Nulls(kv.Value, $"{path}.{kv.Key}")),
        JsonArray a => a.SelectMany((item, i) => Nulls(item, $"{path}[{i}]")),
        _ => [],
    };

    /// <summary>
    /// The report without generatedAt and without what other tests' roles (the cluster is shared, and other tests create
    /// and drop roles meanwhile) contribute, in roles, access, findings and notes: this test's roles, the predefined and RDS ones, the master, the superuser, PUBLIC.
    /// </summary>
    private static string Comparable(JsonNode report, string prefix)
    {
        bool Ours(string role) => role.StartsWith(prefix + "_", StringComparison.Ordinal) || role.StartsWith("pg_", StringComparison.Ordinal)
            || role.StartsWith("rds", StringComparison.Ordinal) || role is PostgresServer.MasterUser or PostgresServer.SuperUser or "PUBLIC";
        var copy = report.DeepClone().AsObject();
        copy.Remove("generatedAt");
        foreach (var (array, key) in new[] { ("roles", "name"), ("access", "role") })
        {
            var kept = copy[array]!.AsArray().Where(e => Ours(e![key]!.GetValue<string>())).Select(e => e!.DeepClone()).ToArray();
            copy[array] = new JsonArray(kept);
        }
        foreach (string array in new[] { "findings", "notes" })
            if (copy[array] is JsonArray items)
                copy[array] = new JsonArray([.. items.Where(f => f!["subject"]!.GetValue<string>() is var subject && (!subject.StartsWith("role ", StringComparison.Ordinal) || Ours(subject["role ".Length..])))
                    .Select(f => f!.DeepClone())]);
        return copy.ToJsonString();
    }
}
