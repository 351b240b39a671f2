using System.Text;
using RoleManager.Config;
using RoleManager.Errors;
using Xunit.Abstractions;

namespace RoleManager.Reliability.Tests;

/// <summary>
/// Mutates valid configs (examples/*.yaml, the design sketch and the README's config) with a seeded random
/// generator: the only outcomes of <see cref="ConfigLoader.Load"/> are a <see cref="DesiredState"/> or a
/// <see cref="ConfigException"/> — never another exception, never a hang.
/// </summary>
public sealed class ConfigFuzzTests(ITestOutputHelper output)
{
    public const int Iterations = 2000;
    public const int Seed = 20_240_607;

    private static readonly string[] Tokens =
    [
        "\n", " ", "  ", "\t", ":", ": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "*b", "&b ", "!!str ", "!!int ", "!!map ", "!!binary ",
        "? ", "|", ">", "'", "\"", "#", "%YAML 1.2\n", "---\n", "...\n", "<<: *a", "\0", "\u00e9", "\U0001F600", "\uFEFF", "\u202E",
        "null", "~", "true", "no", "-1", "99999999999999999999", "0x1F", "1e400", ".nan", "name", "roles", "schemas", "grants", "owner",
        "profile", "readwrite", "public", "PUBLIC", "pg_x", "rds_x", "auth", "iam", "password", "password_env", "drop", "member_of",
        "search_path", "connection_limit", "database_privileges", "maintain", "extensions", new string('x', 70), new string('é', 40),
    ];

    public static IEnumerable<(string Name, string Text)> Seeds()
    {
        string root = RepositoryRoot.Path;
        foreach (var file in Directory.GetFiles(Path.Combine(root, "examples"), "*.yaml").Order())
            yield return (Path.GetFileName(file), File.ReadAllText(file));
        yield return ("design-sketch", """
            database: app
            auth: iam
            schemas:
              - name: app
                owner: migrator
            roles:
              - name: migrator
                search_path: [app]
              - name: app
                search_path: [app]
                grants:
                  - { schema: app, profile: readwrite }
              - name: reporting
                grants:
                  - { schema: app, profile: readonly }
                connection_limit: 5
              - name: legacy_service
                drop: true
            extensions: [vector]
            """);
        yield return ("json", """{"database": "app", "schemas": [{"name": "app", "owner": "m"}], "roles": [{"name": "m", "auth": "none"}, {"name": "a", "auth": "password", "password_env": "PW", "grants": [{"schema": "app", "profile": "all"}]}]}""");
    }

    [Fact]
    public async Task Mutated_configs_load_or_fail_with_a_config_exception_only()
    {
        var seeds = Seeds().ToList();
        var random = new Random(Seed);
        int loaded = 0, rejected = 0;
        var failures = new List<string>();
        Func<string, string?> environment = name => name is "PW" or "APP_PASSWORD" ? "pw-fuzz" : null;
        for (int i = 0; i < Iterations; i++)
        {
            var (name, text) = seeds[random.Next(seeds.Count)];
            string mutated = Mutate(text, random);
            var load = Task.Run(() => ConfigLoader.Load(mutated, "fuzz.yaml", environment, new ConfigDefaults("app")));
            if (await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(10))) != load)
            {
                failures.Add($"#{i} ({name}): no answer within 10 s\n{Show(mutated)}");
                continue;
            }
            try
            {
                await load;
                loaded++;
            }
            catch (ConfigException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                failures.Add($"#{i} ({name}): {ex.GetType().Name}: {ex.Message}\n{Show(mutated)}");
            }
        }
        output.WriteLine($"{Iterations} mutations (seed {Seed}): {loaded} loaded, {rejected} rejected with ConfigException, {failures.Count} other outcomes");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
    }

    private static string Mutate(string text, Random random)
    {
        var sb = new StringBuilder(text);
        int edits = 1 + random.Next(6);
        for (int e = 0; e < edits; e++)
        {
            int at = sb.Length == 0 ? 0 : random.Next(sb.Length);
            switch (random.Next(7))
            {
                case 0: // delete a span
                    sb.Remove(at, Math.Min(random.Next(1, 12), sb.Length - at));
                    break;
                case 1: // insert a YAML-significant token
                    sb.Insert(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 2: // flip one character to another printable or control character
                    if (sb.Length > 0) sb[at] = (char)random.Next(0, 0x250);
                    break;
                case 3: // duplicate a line (duplicate keys, repeated list items)
                {
                    var lines = sb.ToString().Split('\n').ToList();
                    int l = random.Next(lines.Count);
                    lines.Insert(l, lines[l]);
                    sb = new StringBuilder(string.Join('\n', lines));
                    break;
                }
                case 4: // re-indent a line
                {
                    var lines = sb.ToString().Split('\n').ToList();
                    int l = random.Next(lines.Count);
                    lines[l] = random.Next(2) == 0 ? "  " + lines[l] : lines[l].TrimStart();
                    sb = new StringBuilder(string.Join('\n', lines));
                    break;
                }
                case 5: // swap two lines
                {
                    var lines = sb.ToString().Split('\n').ToList();
                    int a = random.Next(lines.Count), b = random.Next(lines.Count);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    sb = new StringBuilder(string.Join('\n', lines));
                    break;
                }
                default: // replace a scalar value with a structure
                    sb.Insert(at, random.Next(3) switch { 0 => "[a, [b, {c: d}]]", 1 => "{x: *a}", _ => "&a [1, 2]" });
                    break;
            }
        }
        return sb.ToString();
    }

    private static string Show(string text) => text.Length > 600 ? text[..600] + "…" : text.Replace("\0", "\\0");
}
