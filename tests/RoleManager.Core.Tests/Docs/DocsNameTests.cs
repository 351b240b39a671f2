using System.Text.RegularExpressions;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// The names the README and docs/*.md give a reader to look up — tests that prove a claim, stable error types,
/// messages quoted as the program prints them, Terraform inputs and outputs — are the repository's real names.
/// </summary>
public partial class DocsNameTests
{
    private static readonly Lazy<string> TestCode = new(() => Concat("tests", "*.cs"));
    private static readonly Lazy<string> ProductCode = new(() => Concat("src", "*.cs") + Concat("src", "*.sql") + Concat("bin", "*") + Concat("infra", "*.tf"));

    private static string Concat(string folder, string pattern) => string.Concat(DocText.SourceFiles(folder, pattern).Select(File.ReadAllText));

    [Fact]
    public void Every_test_the_docs_cite_as_proof_exists()
    {
        // `SearchPathHijackTests.Operators_…`, `Shapes/ProtectedRoleTests`, `TlsAttackTests`, `ExtensionSchemaHijackTests.*`,
        // and a method alone (`Each_libpq_sslmode_keeps_its_own_meaning`): each class is declared and each method defined.
        var cited = DocText.Files.SelectMany(f => DocText.CodeSpans(f).SelectMany(s => s.Split(", ")).Select(s => (File: f, Name: s.Trim())))
            .Where(c => TestName().IsMatch(c.Name) || TestMethod().IsMatch(c.Name)).Distinct().ToList();
        Assert.True(cited.Count >= 30, "the docs cite fewer tests than expected: " + cited.Count);
        var missing = new List<string>();
        foreach (var (file, name) in cited)
        {
            var m = TestName().Match(name);
            string? type = m.Success ? m.Groups[1].Value : null;
            string? method = m.Success ? (m.Groups[2].Success && m.Groups[2].Value != "*" ? m.Groups[2].Value : null) : name;
            if (type is not null && !Regex.IsMatch(TestCode.Value, $@"\bclass {type}\b")) missing.Add($"{file}: class {type}");
            if (method is not null && !TestCode.Value.Contains(method.TrimEnd('…') + (method.EndsWith('…') ? "" : "("), StringComparison.Ordinal))
                missing.Add($"{file}: test {name}");
        }
        Assert.True(missing.Count == 0, "cited in the docs, not in tests/:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_environment_variable_the_docs_name_is_read_or_set_somewhere()
    {
        // PG*, DB_*, APP_*/MIGRATOR_*, AWS_*, SSL_CERT_*, RM_* (ROLE_MANAGER_*: ReadmeClaimsTests): a quoted name in src/ or
        // the test support (what reads it), or a word in bin/ or infra/ (what sets it).
        var named = DocText.Files.SelectMany(f => EnvironmentVariable().Matches(DocText.Read(f)).Select(m => (File: f, Name: m.Value))).Distinct().ToList();
        Assert.True(named.Select(n => n.Name).Distinct().Count() >= 25, "the docs name fewer variables than expected: " + string.Join(", ", named.Select(n => n.Name).Distinct()));
        string scripts = Concat("bin", "*") + Concat("infra", "*.tf") + Concat("infra", "*.sh");
        var unknown = named.Where(n => !ProductCode.Value.Contains($"\"{n.Name}\"", StringComparison.Ordinal) && !TestCode.Value.Contains($"\"{n.Name}\"", StringComparison.Ordinal)
                                       && !Regex.IsMatch(scripts, $@"\b{n.Name}\b")).Select(n => $"{n.File}: {n.Name}");
        Assert.Empty(unknown);
    }

    [GeneratedRegex(@"\b(?:PG[A-Z]{3,}|DB_[A-Z_]*[A-Z]|APP_(?:USER|PASSWORD)|MIGRATOR_(?:USER|PASSWORD)|AWS_[A-Z_]*[A-Z]|SSL_CERT_(?:FILE|DIR)|RM_[A-Z_]*[A-Z])\b")]
    private static partial Regex EnvironmentVariable();

    [Fact]
    public void Every_error_type_the_docs_name_is_one_the_program_returns()
    {
        var named = DocText.Files.SelectMany(f => DocText.CodeSpans(f).SelectMany(s => ErrorType().Matches(s)).Select(m => (File: f, Type: m.Value))).Distinct().ToList();
        Assert.True(named.Count >= 9, "the docs name fewer error types than expected: " + named.Count);
        var unknown = named.Where(n => !ProductCode.Value.Contains($"\"{n.Type}\"", StringComparison.Ordinal)
                                       && !new[] { "src", "tests", "bench" }.Any(d => Directory.Exists(Path.Combine(DocText.Root, d, n.Type)))).Select(n => $"{n.File}: {n.Type}");
        Assert.Empty(unknown);
    }

    /// <summary>
    /// A message the docs quote, and the literal parts of it the program prints (each a piece of the quote, so the row
    /// cannot drift from the doc: the doc must still say it, and src/, bin/ or infra/ must still print each piece).
    /// </summary>
    public static TheoryData<string, string, string[]> QuotedMessages() => new()
    {
        { "README.md", "interrupted: rolled back, nothing changed", ["interrupted: rolled back, nothing changed"] },
        { "README.md", "the server does not ask this role for a password (pg_hba trust): the login proves nothing", ["the server does not ask this role for a password (pg_hba trust): the login proves nothing"] },
        { "README.md", "== database NAME ==", ["== database ", " =="] },
        { "README.md", "`UNPROVEN`", ["UNPROVEN"] },
        { "README.md", "Who can do what in database `appdb`", ["Who can do what in database "] },
        { "README.md", "## Notes (nothing to fix)", ["Notes (nothing to fix)"] },
        { "docs/report.md", "\"Notes (nothing to fix)\"", ["Notes (nothing to fix)"] },
        { "README.md", "18 roles, 24 access paths, 0 findings, 1 note (nothing to fix). Privileges of PUBLIC apply to every role.", [" roles, ", " access paths, ", " findings", " note", " (nothing to fix)", ". Privileges of PUBLIC apply to every role."] },
        { "README.md", "(the master user this report was read as) inherits rds_superuser through master → rds_superuser, as RDS sets it up; RoleManager never changes it and there is nothing to fix.", ["the master user this report was read as", " inherits ", "through ", ", as RDS sets it up; RoleManager never changes it and there is nothing to fix."] },
        { "README.md", "owner `master`, read as `master` at 2026-12-07 11:58 UTC.", ["owner `", "`, read as `", " UTC. "] },
        { "README.md", "| Role | Kind | Login | Attributes | Member of |", ["| Role | Kind | Login | Attributes | Member of |"] },
        { "README.md", "| Can | On | Through |", ["| Can | On | Through |"] },
        { "docs/aws-setup.md", "with \"run bin/build-lambda-zip\"", ["run bin/build-lambda-zip"] },
        { "docs/aws-setup.md", "The role manager's check did not pass: - app:", ["The role manager's check did not pass"] },
        { "docs/aws-setup.md", "FAILED: the check did not pass (1 of 14 assertions failed)", ["FAILED: the check did not pass (", " assertions failed)"] },
        { "docs/aws-setup.md", "\"did not answer in time (attempt 1): the cluster may be paused and resuming\"", ["did not answer in time (attempt ", "): the cluster may be paused and resuming"] },
        { "docs/aws-setup.md", "`role-manager password-version: <version id>`", ["role-manager password-version: "] },
        { "docs/aws-setup.md", "`set password of role reporting from secret … (… has a new version)`", ["set password of role ", " from ", "secret ", " has a new version"] },
        { "docs/aws-setup.md", "`RoleManager.ConfigInvalid: ...`", ["RoleManager.ConfigInvalid"] },
        { "docs/group-roles.md", "already exists and is not RoleManager's group role for readonly on schema app in", ["already exists and is not RoleManager's group role for ", "RoleManager never takes over a role it did not create: rename or drop that role, ", "set 'grant_mode: direct' on schema ", "or, if it really is meant to be this group, mark it with"] },
        { "docs/group-roles.md", "IS 'RoleManager group role: readonly on schema app in database appdb'", ["RoleManager group role: "] },
        { "docs/compliance.md", "`evidence: s3://my-audit-bucket/role-manager/app/", ["evidence: "] },
        { "docs/compliance.md", "0 grants gained, 0 lost since the previous evidence)", [" grants gained, ", " lost since ", "the previous evidence"] },
        { "docs/compliance.md", "\"message\":\"compliance: check of app fail (0 failed assertions, 2 grants gained, 0 lost)", [" failed assertions, ", " grants gained, ", " lost) "] },
        { "docs/compliance.md", "access denied. The identity in use needs s3:PutObject on arn:aws:s3:::b/role-manager/*", ["access denied. The identity in use needs ", "s3:PutObject on arn:aws:s3:::"] },
        { "docs/compliance.md", "`could not write the evidence s3://b/role-manager/app/…:", ["could not ", "write the evidence "] },
        { "docs/reliability.md", "\"Another role-manager run holds the lock … Nothing was changed\"", ["Another role-manager run holds the lock", "Nothing was changed"] },
    };

    [Theory]
    [MemberData(nameof(QuotedMessages))]
    public void A_message_the_docs_quote_is_what_the_program_prints(string file, string quote, string[] printed)
    {
        // Line breaks (and a code block's indentation) are layout: compare with whitespace runs as one space.
        string doc = DocText.Flat(file);
        Assert.True(doc.Contains(quote, StringComparison.Ordinal), $"{file} no longer quotes: {quote}");
        foreach (string piece in printed)
        {
            Assert.True(doc.Contains(piece, StringComparison.Ordinal), $"{file} does not say \"{piece}\"");
            Assert.True(ProductCode.Value.Contains(piece, StringComparison.Ordinal), $"{file} quotes \"{quote}\", but nothing in src/, bin/ or infra/ prints \"{piece}\"");
        }
    }

    [Fact]
    public void Every_terraform_output_the_docs_read_is_an_output_of_the_example_or_the_module()
    {
        string outputs = File.ReadAllText(Path.Combine(DocText.Root, "infra/examples/aurora-postgresql/outputs.tf"))
            + File.ReadAllText(Path.Combine(DocText.Root, "infra/modules/role-manager/outputs.tf"));
        var read = new[] { "docs/aws-setup.md", "docs/compliance.md", "README.md" }
            .SelectMany(f => TerraformOutput().Matches(DocText.Flat(f)).Select(m => m.Groups["name"].Value)).Distinct().ToList();
        Assert.True(read.Count >= 6, "the docs read fewer outputs than expected: " + string.Join(", ", read));
        Assert.All(read, name => Assert.True(outputs.Contains($"output \"{name}\"", StringComparison.Ordinal), $"the docs read `terraform output {name}`, which neither the example nor the module has"));
    }

    /// <summary>A Terraform input the docs tell a reader to set, and its default as the docs state it (null: not stated).</summary>
    public static TheoryData<string, string, string?> TerraformInputs() => new()
    {
        { "docs/aws-setup.md", "run_check", null }, { "docs/aws-setup.md", "run_on_apply", null }, { "docs/aws-setup.md", "layout_file", null },
        { "docs/aws-setup.md", "role_manager_config", null }, { "docs/aws-setup.md", "password_roles", null },
        { "docs/aws-setup.md", "reporting_password_rotation_days", "30" }, { "docs/aws-setup.md", "extra_databases", null },
        { "docs/aws-setup.md", "check_schedule", "\"rate(1 day)\"" }, { "docs/aws-setup.md", "alarm_email", null },
        { "docs/aws-setup.md", "additional_iam_db_users", null }, { "docs/aws-setup.md", "create_database_ingress_rule", null },
        { "docs/aws-setup.md", "https_egress_security_group_ids", null }, { "docs/aws-setup.md", "https_egress_cidr_blocks", null },
        { "docs/aws-setup.md", "db_password_secret_arn", null }, { "docs/aws-setup.md", "db_password_secret_kms_key_arn", null },
        { "docs/aws-setup.md", "db_resource_id", null }, { "docs/aws-setup.md", "database_security_group_id", null },
        { "docs/aws-setup.md", "deletion_protection", "false" }, { "docs/aws-setup.md", "skip_final_snapshot", "true" },
        { "docs/security.md", "allow_event_config", "false" }, { "docs/compliance.md", "evidence_bucket", null },
        { "docs/performance.md", "environment_variables", null },
    };

    [Theory]
    [MemberData(nameof(TerraformInputs))]
    public void A_terraform_input_the_docs_name_exists_with_the_default_they_state(string file, string name, string? stated)
    {
        Assert.Matches($@"\b{name}\b", DocText.Read(file));
        string variables = File.ReadAllText(Path.Combine(DocText.Root, "infra/examples/aurora-postgresql/variables.tf"))
            + File.ReadAllText(Path.Combine(DocText.Root, "infra/modules/role-manager/variables.tf"));
        var block = Regex.Match(variables, $@"variable ""{name}"" \{{.*?\n\}}", RegexOptions.Singleline);
        Assert.True(block.Success, $"{file} names the Terraform input {name}, which neither the example nor the module declares");
        if (stated is null) return;
        string text = DocText.Read(file).Replace("\n", " ");
        Assert.True(text.Contains($"{name} = {stated}", StringComparison.Ordinal) || text.Contains($"{name}`, default {stated}", StringComparison.Ordinal)
            || text.Contains($"`{name}`, default `{stated}`", StringComparison.Ordinal),
            $"{file} no longer states {name}'s default as {stated}");
        Assert.Matches($@"\n\s*default\s*=\s*{Regex.Escape(stated)}\s*\n", block.Value);
    }

    [GeneratedRegex(@"^(?:\w+/)*(\w+Tests)(?:\.(\w+…?|\*))?$")]
    private static partial Regex TestName();

    // A test method named as a sentence: Capitalised_words_joined_by_underscores (at least four words).
    [GeneratedRegex(@"^[A-Z][a-z]*(?:_[a-z0-9]+){3,}…?$")]
    private static partial Regex TestMethod();

    [GeneratedRegex(@"\bRoleManager\.[A-Z][A-Za-z]+\b(?!\.)")]
    private static partial Regex ErrorType();

    // `terraform output X`, `terraform -chdir=... output -raw X`, "the `X` output", "(output X)", "read `X` ... from `terraform output`".
    [GeneratedRegex(@"terraform (?:-chdir=\S+ )?output (?:-raw )?(?<name>[a-z][a-z_]+)|`(?<name>[a-z][a-z_]+)` output\b|\(output (?<name>[a-z][a-z_]+)\)|read `(?<name>[a-z][a-z_]+)` \(and `region`\) from `terraform output`")]
    private static partial Regex TerraformOutput();
}
