using RoleManager.Testing;
using System.Text;
using RoleManager.Config;
using RoleManager.Errors;

namespace RoleManager.Reliability.Tests;

/// <summary>
/// Hostile configs that are too big to keep as files, generated here: each is refused with a
/// <see cref="ConfigException"/> (and, through the CLI, exit 1 and no connection), quickly and without a crash.
/// The hand-written corpus is tests/RoleManager.Integration.Tests/TestData/bad-configs (CliTests runs it).
/// </summary>
public sealed class HostileInputTests
{
    public static TheoryData<string> Generated() => new(GeneratedInputs.Keys.Order());

    private static readonly Dictionary<string, (Func<string> Text, string Expected)> GeneratedInputs = new()
    {
        ["oversized-2MiB"] = (() => "database: app\nroles:\n" + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"  - {{ name: role_{i:D8}, auth: none }}\n")), "at most 1048576"),
        ["oversized-one-scalar"] = (() => "database: " + new string('a', 1_100_000), "at most 1048576"),
        ["deep-flow-nesting-100k"] = (() => "database: app\nroles: " + new string('[', 100_000) + new string(']', 100_000), "nested more than 32 levels"),
        ["deep-block-nesting-1k"] = (() => "database: app\nroles:\n" + string.Concat(Enumerable.Range(1, 1_000).Select(i => new string(' ', i) + "- \n")), "nested more than 32 levels"),
        ["deep-mapping-nesting-50k"] = (() => "database: app\nroles: " + string.Concat(Enumerable.Repeat("{a: ", 50_000)) + "b" + new string('}', 50_000), "nested more than 32 levels"),
        ["alias-bomb-billion-laughs"] = (() => BillionLaughs(value: true), "aliases (*name) are expanded"),
        ["alias-bomb-as-mapping-key"] = (() => BillionLaughs(value: false), "aliases (*name) are expanded"),
        ["many-aliases"] = (() => "database: app\nx: &a [1]\nroles: [" + string.Join(", ", Enumerable.Repeat("*a", 200_000)) + "]", "aliases (*name) are expanded"),
        ["nul-bytes-everywhere"] = (() => "database: app\0\nroles:\n  - { name: \"a\0b\", auth: none }\n\0\0\0", "not valid YAML"),
        ["5k-roles-10k-problems"] = (() => "database: app\nroles:\n" + string.Concat(Enumerable.Range(0, 5_000).Select(i => $"  - {{ name: pg_{i}, auth: bad }}\n")), "10000 problems in all"),
    };

    private static string BillionLaughs(bool value)
    {
        var sb = new StringBuilder("database: app\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 12; i++)
            sb.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        sb.Append(value ? "roles: *a12\n" : "roles:\n  - ? *a12\n    : x\n");
        return sb.ToString();
    }

    [Theory]
    [MemberData(nameof(Generated))]
    public async Task A_generated_hostile_config_is_refused_quickly_with_a_config_error(string name)
    {
        var (text, expected) = GeneratedInputs[name];
        string config = text();
        var load = Task.Run(() => ConfigLoader.Load(config, "hostile.yaml", _ => null, new ConfigDefaults("app")));
        var finished = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.True(finished == load, $"{name}: no answer within 20 s");
        var error = await Assert.ThrowsAsync<ConfigException>(() => load);
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(error.Message.Length < 20_000, $"{name}: a {error.Message.Length}-character message");
    }

    [Theory]
    [InlineData("oversized-2MiB")]
    [InlineData("deep-flow-nesting-100k")]
    [InlineData("alias-bomb-billion-laughs")]
    public async Task Through_the_cli_a_generated_hostile_config_exits_1_without_connecting(string name)
    {
        var (text, expected) = GeneratedInputs[name];
        string path = Path.Combine(Path.GetTempPath(), $"rm-hostile-{name}-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, text());
        try
        {
            using var counter = new ConnectionCounter();
            var env = new Dictionary<string, string?> { ["PGHOST"] = "127.0.0.1", ["PGPORT"] = counter.Port.ToString(), ["PGUSER"] = "master", ["PGPASSWORD"] = "hunter2-master", ["PGSSLMODE"] = "disable" };
            var result = await CliRunner.RunAsync(env, ["plan", "--config", path], TimeSpan.FromSeconds(60));
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(expected, result.StdErr, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", result.All);
            Assert.DoesNotContain("internal error", result.All);
            Assert.Equal(0, counter.Accepted);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
