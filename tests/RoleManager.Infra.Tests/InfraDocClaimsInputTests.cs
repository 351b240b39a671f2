using System.Text.RegularExpressions;
using RoleManager.Infra.Tests.Support;

namespace RoleManager.Infra.Tests;

/// <summary>
/// The "Inputs" tables of the module's and the example's README (docs/claims.md): each row's type, default and
/// "required" are what variables.tf declares, and a range the description gives ("(10–900)") is the one its validation
/// enforces. TerraformStaticTests only checks that every input is named; a default changed in variables.tf and not in
/// the table would mislead whoever copies the table.
/// </summary>
public sealed partial class InfraDocClaimsInputTests
{
    private sealed record Variable(string Name, string Type, string? Default, string Body);

    [Theory]
    [InlineData("modules/role-manager")]
    [InlineData("examples/aurora-postgresql")]
    public void Each_input_row_gives_the_type_default_and_required_that_variables_tf_declares(string directory)
    {
        var (variables, rows) = Read(directory);
        var wrong = new List<string>();
        foreach (var variable in variables)
        {
            var row = rows[variable.Name];
            if (row[2] != $"`{variable.Type}`") wrong.Add($"{variable.Name}: type {row[2]}, variables.tf {variable.Type}");
            string expected = variable.Default is null ? "—" : $"`{variable.Default}`";
            if (row[3] != expected) wrong.Add($"{variable.Name}: default {row[3]}, variables.tf {expected}");
            if (row.Length > 4 && row[4] != (variable.Default is null ? "yes" : "no")) wrong.Add($"{variable.Name}: required {row[4]}, variables.tf default {expected}");
        }
        Assert.True(wrong.Count == 0, $"infra/{directory}/README.md, Inputs:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void A_range_or_a_list_of_values_an_input_row_gives_is_what_its_validation_enforces()
    {
        var (variables, rows) = Read("modules/role-manager");
        var checkedRows = new List<string>();
        foreach (var variable in variables)
        {
            string description = rows[variable.Name][1];
            if (Range().Match(description) is { Success: true } range)
            {
                Assert.Contains($"var.{variable.Name} >= {range.Groups[1].Value}", variable.Body, StringComparison.Ordinal);
                Assert.Contains($"var.{variable.Name} <= {range.Groups[2].Value}", variable.Body, StringComparison.Ordinal);
                checkedRows.Add(variable.Name);
            }
            if (LevelList().Match(description) is { Success: true } levels)
            {
                var said = Regex.Matches(levels.Value, "`([A-Z]+)`").Select(m => $"\"{m.Groups[1].Value}\"");
                Assert.Contains($"contains([{string.Join(", ", said)}], var.{variable.Name})", variable.Body, StringComparison.Ordinal);
                checkedRows.Add(variable.Name);
            }
        }
        // The control: the rows this reads are there (a reworded table must not make the test pass on nothing).
        Assert.Equal(["timeout", "memory_size", "kms_key_deletion_window_in_days", "application_log_level", "system_log_level"], checkedRows);
    }

    private static (List<Variable> Variables, Dictionary<string, string[]> Rows) Read(string directory)
    {
        string folder = Path.Combine([Repo.Infra, .. directory.Split('/')]);
        string tf = File.ReadAllText(Path.Combine(folder, "variables.tf"));
        var variables = VariableStart().Matches(tf).Select(m => Parse(m.Groups[1].Value, Block(tf, m.Index + m.Length - 1))).ToList();
        var rows = File.ReadAllLines(Path.Combine(folder, "README.md"))
            .SkipWhile(l => l != "## Inputs").TakeWhile(l => l == "## Inputs" || !l.StartsWith('#'))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => UnescapedPipe().Split(l.Trim().Trim('|')).Select(c => c.Trim()).ToArray())
            .ToDictionary(cells => cells[0].Trim('`'));
        Assert.NotEmpty(variables);
        Assert.Equal(variables.Select(v => v.Name).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        return (variables, rows);
    }

    private static Variable Parse(string name, string body)
    {
        // Only the block's own lines (depth 1): a validation's or an object type's inner lines are not its type or default.
        string? type = null, value = null;
        int depth = 0;
        foreach (string line in body.Split('\n'))
        {
            if (depth == 1 && Attribute().Match(line) is { Success: true } a)
            {
                if (a.Groups[1].Value == "type") type = a.Groups[2].Value.Trim();
                if (a.Groups[1].Value == "default") value = a.Groups[2].Value.Trim();
            }
            depth += line.Count(c => c is '{' or '(' or '[') - line.Count(c => c is '}' or ')' or ']');
        }
        Assert.True(type is not null, $"variable {name} has no type");
        // An object type is written in the table without its attributes: object({...}) → object, map(object({...})) → map(object).
        int cut = type.IndexOf("({", StringComparison.Ordinal);
        if (cut >= 0) type = type[..cut] + new string(')', type[..cut].Count(c => c == '('));
        return new Variable(name, type, value == "null" ? "null" : value, body);
    }

    /// <summary>The text of the block whose '{' is at <paramref name="open"/>, braces included (InfraDocClaimsExampleTests too).</summary>
    internal static string Block(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
            if (depth == 0) return text[open..(i + 1)];
        }
        throw new InvalidOperationException("unbalanced braces in variables.tf");
    }

    [GeneratedRegex("""^variable "([A-Za-z0-9_]+)" \{""", RegexOptions.Multiline)]
    private static partial Regex VariableStart();

    [GeneratedRegex(@"^\s*(type|default)\s*=\s*(.+?)\s*$")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    /// <summary>"(10–900)", "(7–30)": the range a row's description gives.</summary>
    [GeneratedRegex(@"\((\d+)–(\d+)\)")]
    private static partial Regex Range();

    /// <summary>"kept: `TRACE`, `DEBUG`, ...": the values a log level row lists.</summary>
    [GeneratedRegex(@"level kept: (`[A-Z]+`(, )?)+")]
    private static partial Regex LevelList();
}
