using System.Text.RegularExpressions;
using System.Xml.Linq;
using Npgsql;
using RoleManager.Check;
using RoleManager.Connect;
using RoleManager.Errors;
using RoleManager.Execute;
using RoleManager.Inspect;
using RoleManager.UseCases;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// docs/architecture.md is the contributors' page, but what it says of the code is a claim like any other: the
/// projects and the directions they depend on, the types and members it names, which code reaches the database, the
/// check's embedded queries, the build's conventions and the figures it gives. Each is read here from the repository.
/// </summary>
public sealed partial class ArchitectureDocStructureTests
{
    private const string Page = "docs/architecture.md";

    private static string Src => Path.Combine(DocText.Root, "src");

    private static IEnumerable<string> Sources(string folder) => DocText.SourceFiles(folder);

    private static XDocument Project(string folder, string name) => XDocument.Load(Path.Combine(DocText.Root, folder, name, name + ".csproj"));

    private static string[] Includes(XDocument project, string element) =>
        project.Descendants(element).Select(e => (string?)e.Attribute("Include")).OfType<string>().ToArray();

    [Fact]
    public void The_projects_reference_each_other_only_down_the_pages_diagram_and_use_the_packages_it_names()
    {
        // Hosts → Aws → Core → Engine (the hosts also name Core directly); nothing references a host, the engine nothing.
        var expected = new Dictionary<string, string[]>
        {
            ["RoleManager.Engine"] = [],
            ["RoleManager.Core"] = ["RoleManager.Engine"],
            ["RoleManager.Aws"] = ["RoleManager.Core"],
            ["RoleManager.Cli"] = ["RoleManager.Aws", "RoleManager.Core"],
            ["RoleManager.Lambda"] = ["RoleManager.Aws", "RoleManager.Core"],
        };
        var projects = Directory.GetDirectories(Src).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), projects);
        var packages = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in projects)
        {
            var project = Project("src", name);
            var references = Includes(project, "ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r)).Order(StringComparer.Ordinal);
            Assert.Equal(expected[name], references);
            packages.UnionWith(Includes(project, "PackageReference"));
        }

        // Every library the diagram names in parentheses is a package of a project: none is left from an older design.
        string diagram = Regex.Match(DocText.Read(Page), @"## Projects.*?```(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var named = Regex.Matches(diagram, @"\b(?!RoleManager\.)([A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z0-9]+)+)\b").Select(m => m.Value).Distinct().ToList();
        named.AddRange(Regex.Matches(diagram, @"\((Npgsql)\)").Select(m => m.Groups[1].Value));
        Assert.True(named.Count >= 4, "the diagram names fewer libraries than expected: " + string.Join(", ", named));
        var missing = named.Where(n => !packages.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"{Page}'s diagram names libraries no project uses: " + string.Join(", ", missing));
    }

    [Fact]
    public void Secrets_manager_and_iam_tokens_are_clients_of_our_own_and_evidence_uses_the_sdks_s3_client()
    {
        string aws = Path.Combine(Src, "RoleManager.Aws");
        var serviceClients = Sources(aws).Where(f => Regex.IsMatch(File.ReadAllText(f), @"\bnew Amazon\w+Client\(|\bAmazon(SecretsManager|RDS)\w*Client\b"))
            .Select(f => Path.GetRelativePath(aws, f)).ToList();
        Assert.Equal(["Evidence/S3EvidenceStore.cs"], serviceClients);
        Assert.Contains("new AmazonS3Client(", File.ReadAllText(Path.Combine(aws, "Evidence/S3EvidenceStore.cs")));
        DocText.Says(Page, @"thin clients of our own for Secrets Manager and RDS IAM tokens \(signed with AWSSDK\.Core\), and the SDK's own S3 client for evidence");
    }

    [Fact]
    public void Neither_host_opens_a_connection_or_sends_a_statement_of_its_own()
    {
        // The hosts name Npgsql at most to recognise its exception; connections, commands and batches are Core's.
        var own = new[] { "src/RoleManager.Cli", "src/RoleManager.Lambda" }
            .SelectMany(p => Sources(Path.Combine(DocText.Root, p)))
            .Where(f => HostNpgsqlUse().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(DocText.Root, f)).ToList();
        Assert.True(own.Count == 0, "a host talks to the server itself: " + string.Join(", ", own));
        // The rotation steps change the password through the engine's use case (Core/UseCases/PasswordRotation.cs).
        Assert.Contains("PasswordRotation", File.ReadAllText(Path.Combine(Src, "RoleManager.Lambda/Rotation/SecretRotation.cs")));
    }

    [Fact]
    public void Every_type_and_member_the_page_names_is_declared_in_the_code()
    {
        string code = string.Concat(Sources(Src).Concat(Sources(Path.Combine(DocText.Root, "tests"))).Select(File.ReadAllText));
        var spans = DocText.CodeSpans(Page).Distinct().ToList();
        var missing = new List<string>();
        int checkedNames = 0;
        foreach (string span in spans)
        {
            if (span.StartsWith("src/", StringComparison.Ordinal) || span.StartsWith("tests/", StringComparison.Ordinal)) continue; // a project folder
            if (QualifiedName().Match(span) is { Success: true } q && !q.Groups["member"].Value.Contains('_', StringComparison.Ordinal))
            {
                checkedNames++;
                string type = q.Groups["type"].Value, member = q.Groups["member"].Value;
                var files = Sources(Src).Concat(Sources(Path.Combine(DocText.Root, "tests"))).Select(File.ReadAllText)
                    .Where(t => Regex.IsMatch(t, $@"\b(class|record|struct|interface|enum)\s+{type}\b")).ToList();
                if (files.Count == 0) missing.Add($"`{span}`: no type {type}");
                else if (!files.Any(t => Regex.IsMatch(t, $@"[\w>\]?]\s+{member}\s*(\(|\{{|=>|=|;|<)"))) missing.Add($"`{span}`: {type} has no member {member}");
            }
            else if (BareName().IsMatch(span) && !FromLibraries.Contains(span))
            {
                checkedNames++;
                bool declared = Regex.IsMatch(code, $@"\b(class|record|struct|interface|enum)\s+{span}\b")
                    || Regex.IsMatch(code, $@"[\w>\]?]\s+{span}\s*(\(|\{{|=>|=|;|<)")
                    || Regex.IsMatch(code, $@"^\s*{span}\s*(=[^=]|,|$)", RegexOptions.Multiline); // an enum member
                if (!declared) missing.Add($"`{span}`: declared nowhere");
            }
        }
        Assert.True(checkedNames >= 80, $"{Page} names fewer types and members than expected: {checkedNames}");
        Assert.True(missing.Count == 0, $"{Page} names what the code does not declare:\n" + string.Join("\n", missing));
    }

    /// <summary>Names the page gives that belong to a library, not to this repository.</summary>
    private static readonly HashSet<string> FromLibraries = new(StringComparer.Ordinal) { "BeginTransactionAsync", "AnalysisLevel", "EnforceCodeStyleInBuild" };

    [Fact]
    public void The_checks_catalog_queries_are_embedded_sql_files_with_notes_loaded_by_the_one_loader()
    {
        string folder = Path.Combine(Src, "RoleManager.Core/Check/Queries");
        string names = File.ReadAllText(Path.Combine(Src, "RoleManager.Core/Check/CheckSql.cs"));
        var files = Directory.GetFiles(folder, "*.sql");
        Assert.True(files.Length >= 5, "fewer check queries than expected");
        foreach (string file in files)
        {
            string name = Path.GetFileNameWithoutExtension(file);
            Assert.Contains($"Load(\"{name}\")", names);
            // Embedded in the build, and what the loader returns is the file.
            Assert.Equal(File.ReadAllText(file), EmbeddedSql.Load("Check", name));
            Assert.StartsWith("-- ", File.ReadAllText(file), StringComparison.Ordinal);
        }
        Assert.Equal(File.ReadAllText(Path.Combine(folder, "memberships.sql")), CheckSql.Memberships);
        // Filed under the name the page gives.
        var resources = typeof(EmbeddedSql).Assembly.GetManifestResourceNames();
        Assert.All(files, f => Assert.Contains($"RoleManager.Check.Queries.{Path.GetFileName(f)}", resources));
        DocText.Says(Page, @"\(`Inspect/EmbeddedSql\.cs`, as `RoleManager\.Check\.Queries\.<name>\.sql`;");
        // One loader: no other code opens an embedded query.
        var loaders = Sources(Src).Where(f => File.ReadAllText(f).Contains("GetManifestResourceStream(resource)", StringComparison.Ordinal))
            .Select(f => Path.GetFileName(f)).ToList();
        Assert.Equal(["EmbeddedSql.cs"], loaders);
    }

    [Fact]
    public void The_build_enforces_the_conventions_the_page_names()
    {
        var props = XDocument.Load(Path.Combine(DocText.Root, "Directory.Build.props"));
        string Property(string name) => props.Descendants(name).Select(e => e.Value).FirstOrDefault() ?? "";
        Assert.Equal("true", Property("TreatWarningsAsErrors"));
        Assert.Equal("true", Property("EnforceCodeStyleInBuild"));
        Assert.Equal("latest-default", Property("AnalysisLevel"));
        string editorconfig = File.ReadAllText(Path.Combine(DocText.Root, ".editorconfig"));
        Assert.Contains("csharp_style_namespace_declarations = file_scoped:warning", editorconfig);
        Assert.Matches(@"dotnet_diagnostic\.IDE0036\.severity = warning", editorconfig); // modifier order
        DocText.Says(Page, @"`\.editorconfig` \(rules at `:warning` are enforced: file-scoped namespaces, modifier order\)");
    }

    [Fact]
    public void The_integration_and_reliability_projects_import_the_test_support_namespace_globally()
    {
        foreach (string name in new[] { "RoleManager.Integration.Tests", "RoleManager.Reliability.Tests" })
            Assert.Contains("RoleManager.Testing", Includes(Project("tests", name), "Using"));
    }

    [Fact]
    public void The_figures_the_page_gives_are_the_programs()
    {
        string page = DocText.Flat(Page);
        int Said(string pattern) => Regex.Match(page, pattern) is { Success: true } m
            ? Words.TryGetValue(m.Groups["v"].Value, out int word) ? word : int.Parse(m.Groups["v"].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new Xunit.Sdk.XunitException($"{Page} no longer says /{pattern}/");
        var request = new RunRequest(RunAction.Plan, false, null!, null!, _ => null, ExecutionOptions.Default);
        Assert.Equal(request.DatabasesAtOnce, Said(@"at most `?RunRequest\.DatabasesAtOnce`? \((?<v>\d+)\) together"));
        Assert.Equal(request.ConflictAttempts, Said(@"up to (?<v>\d+) attempts in all with a small jittered backoff"));
        Assert.Equal(PlanExecutor.ProgressEvery, Said(@"progress every (?<v>\d+) statements"));
        Assert.Equal(TranscriptFiles().Length, Said(@"kept only where the SQL differs \((?<v>\w+) files for 13–18"));
        // MasterSecret lives in RoleManager.Aws, which this project does not reference: read its source.
        Assert.Contains($"MaxAge = TimeSpan.FromMinutes({Said(@"cached at most (?<v>\d+) minutes")})",
            File.ReadAllText(Path.Combine(Src, "RoleManager.Aws/MasterSecret.cs")));
    }

    [Fact]
    public void A_flag_outranks_the_connection_string_which_outranks_the_variables_then_the_defaults()
    {
        var variables = new Dictionary<string, string?> { ["PGHOST"] = "pg-host", ["PGDATABASE"] = "pgdb", ["DB_HOST"] = "db-host", ["DB_NAME"] = "dbname" };
        const string connectionString = "postgresql://someone@string-host/stringdb";
        var all = ConnectionResolver.Resolve(new ConnectionInputs(ConnectionString: connectionString, Host: "flag-host", Database: "flagdb"), variables.GetValueOrDefault);
        Assert.Equal(("flag-host", "flagdb"), (all.Host, all.Database));
        var noFlag = ConnectionResolver.Resolve(new ConnectionInputs(ConnectionString: connectionString), variables.GetValueOrDefault);
        Assert.Equal(("string-host", "stringdb"), (noFlag.Host, noFlag.Database));
        var variablesOnly = ConnectionResolver.Resolve(new ConnectionInputs(), variables.GetValueOrDefault);
        Assert.Equal(("pg-host", "pgdb"), (variablesOnly.Host, variablesOnly.Database));
        var lambda = ConnectionResolver.Resolve(new ConnectionInputs(), variables.GetValueOrDefault, host: HostKind.Lambda);
        Assert.Equal(("db-host", "dbname"), (lambda.Host, lambda.Database));
        var nothing = ConnectionResolver.Resolve(new ConnectionInputs(), _ => null);
        Assert.Equal(ValueSource.Default, nothing.DatabaseSource);
        DocText.Says(Page, @"Precedence, highest first: an explicit flag; the connection string; the variables \(`PG\*` then `DB_\*`; the Lambda policy puts `DB_\*` first\)");
    }

    private static readonly Dictionary<string, int> Words = new(StringComparer.Ordinal) { ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7 };

    private static string[] TranscriptFiles() =>
        Directory.GetFiles(Path.Combine(DocText.Root, "tests/RoleManager.Core.Tests/Transcripts/Approved"), "*.txt");

    public static TheoryData<string, bool> Races() => new()
    {
        { "42710", true },  // role "x" already exists
        { "40001", true },
        { "40P01", true },
        { "23505 pg_authid_rolname_index", true },
        { "XX000 tuple concurrently updated", true },
        { "23505 orders_pkey", false },      // a unique violation on a table of the application's is no race
        { "XX000 cache lookup failed", false },
        { "42501", false },
    };

    [Theory]
    [MemberData(nameof(Races))]
    public void An_apply_is_retried_after_exactly_the_races_the_page_lists(string error, bool retried)
    {
        string[] parts = error.Split(' ', 2);
        string rest = parts.Length > 1 ? parts[1] : "";
        var pg = parts[0] == "23505"
            ? new PostgresException("duplicate key value", "ERROR", "ERROR", parts[0], constraintName: rest)
            : new PostgresException(rest.Length > 0 ? rest : "refused", "ERROR", "ERROR", parts[0]);
        Assert.Equal(retried, ConcurrentRunConflict.Is(new ApplyException("apply failed", pg), out _));
        Assert.False(ConcurrentRunConflict.Is(new PlanException("plan failed", pg), out _)); // only an apply is retried
        DocText.Says(Page, @"\(42710, 23505 on a catalog index, 40001, 40P01, XX000 ""tuple concurrently updated""\) is retried from a fresh inspection");
    }

    [GeneratedRegex(@"^(?:[\w/]+/)?(?<type>[A-Z]\w*)\.(?<member>[A-Z]\w*)(?:\(.*\))?$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex BareName();

    [GeneratedRegex(@"\bNpgsql(Connection|Command|Batch|DataSource|DataReader)\b|\bnew\s+Npgsql")]
    private static partial Regex HostNpgsqlUse();
}
