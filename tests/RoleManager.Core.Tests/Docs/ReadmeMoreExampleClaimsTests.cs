using RoleManager.Config;
using RoleManager.Model;
using RoleManager.Passwords;
using RoleManager.Testing;

namespace RoleManager.Core.Tests.Docs;

/// <summary>
/// The README's config examples, read from its code blocks: each loads and is valid for the JSON Schema it names, and
/// means what the README's comments and sentences say of it.
/// </summary>
public sealed class ReadmeMoreExampleClaimsTests
{
    private const string SchemaLine = "# yaml-language-server: $schema=./schema/role-manager.schema.json";

    private static List<string> Examples() =>
        Readme.CodeBlocks().Where(b => b.Info == "yaml" && b.Text.StartsWith(SchemaLine, StringComparison.Ordinal)).Select(b => b.Text).ToList();

    private static DesiredState OneDatabase() =>
        ConfigLoader.Load(Examples().Single(e => !e.Contains("\ndatabases:", StringComparison.Ordinal)), "README.md", _ => null, new ConfigDefaults());

    [Fact]
    public void Every_config_example_that_names_the_schema_loads_and_is_valid_for_it()
    {
        var examples = Examples();
        Assert.Equal(2, examples.Count); // the one-database config and the cluster config
        foreach (string example in examples)
        {
            var layout = ConfigLoader.LoadLayout(example, "README.md", _ => null, new ConfigDefaults());
            Assert.Equal(example.Contains("\ndatabases:", StringComparison.Ordinal), layout.IsCluster);
            var result = ConfigTests.Schema.Value.Evaluate(ConfigTests.Element(example), new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
            Assert.True(result.IsValid, example);
        }
        var cluster = ConfigLoader.LoadLayout(examples.Single(e => e.Contains("\ndatabases:", StringComparison.Ordinal)), "README.md", _ => null, new ConfigDefaults());
        Assert.Equal(new[] { "orders", "billing" }, cluster.Databases.Select(d => d.Database).ToArray());
    }

    [Fact]
    public void The_one_database_example_means_what_its_comments_say()
    {
        var desired = OneDatabase();
        RoleSpec Role(string name) => desired.FindRole(name) ?? throw new Xunit.Sdk.XunitException($"the README's example no longer declares {name}");

        // "auth: iam  # default for login roles"; "login (default true)"; "connection_limit".
        Assert.Equal(AuthMode.Iam, Role("reporting").Auth);
        Assert.True(Role("migrator").Login);
        Assert.Equal(5, Role("reporting").ConnectionLimit);
        // "bi_tool  # cannot use IAM: its password lives in Secrets Manager".
        Assert.Equal(AuthMode.Password, Role("bi_tool").Auth);
        Assert.Equal(new PasswordSource(PasswordOrigin.Secret, "role-manager/roles/bi_tool"), Role("bi_tool").PasswordSource);
        // "drop: true  # declared roles are dropped only when the config says so"; "reassign_owned_to: retired_objects".
        Assert.True(Role("legacy_service").Drop);
        Assert.Equal("retired_objects", Role("legacy_service").ReassignOwnedTo);
        Assert.False(Role("retired_objects").Login);
        // "database_privileges (default [connect, temporary] for login roles)".
        Assert.Equal(new[] { DatabasePrivilege.Connect, DatabasePrivilege.Temporary }, Role("app").DatabasePrivileges.ToArray());
        Assert.Empty(Role("retired_objects").DatabasePrivileges);
        Assert.Equal(new[] { "vector" }, desired.Extensions.ToArray());
    }

    [Fact]
    public void In_the_example_reporting_and_bi_tool_share_readonly_through_app_app_readonly_and_app_keeps_its_grant_direct()
    {
        // README, grant_mode: "`<database>_<schema>_<profile>` (e.g. `app_app_readonly` above) ... `auto` does that for the
        // grants two or more roles share (above: `reporting` and `bi_tool` share `readonly` on `app`) and keeps a grant
        // only one role holds direct".
        var desired = OneDatabase();
        var group = desired.FindRole("app_app_readonly");
        Assert.NotNull(group);
        Assert.False(group.Login);
        Assert.NotNull(group.GeneratedGroup);
        Assert.Contains("app_app_readonly", desired.FindRole("reporting")!.MemberOf);
        Assert.Contains("app_app_readonly", desired.FindRole("bi_tool")!.MemberOf);
        Assert.Empty(desired.FindRole("reporting")!.Grants);
        Assert.Equal(new[] { new GrantSpec("app", Profile.ReadWrite) }, desired.FindRole("app")!.Grants.ToArray());
    }
}
