using System.Text.Json;
using System.Text.RegularExpressions;

namespace RoleManager.Lambda.Tests;

/// <summary>
/// The fields of the function's result that the invoke scripts read (bin/lib/invoke_function.py names them once, as
/// RESULT_* and ASSERTION_* constants), pinned against the function's real output: a renamed field fails here, not
/// in a user's terminal as "0 of ? assertions failed".
/// </summary>
internal static partial class InvokeScriptFields
{
    private static Dictionary<string, string> Read()
    {
        string script = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "bin", "lib", "invoke_function.py"));
        var fields = Constant().Matches(script).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.True(fields.Count >= 7, $"bin/lib/invoke_function.py names {fields.Count} result fields; expected RESULT_* and ASSERTION_* constants");
        return fields;
    }

    /// <summary>Every field the script reads is in the real check and manage results, with the type it expects.</summary>
    public static void AssertReadable(string checkBody, string manageBody)
    {
        var f = Read();
        using var check = JsonDocument.Parse(checkBody);
        Assert.Equal(JsonValueKind.True, check.RootElement.GetProperty(f["RESULT_PASSED"]).ValueKind);
        var assertions = check.RootElement.GetProperty(f["RESULT_ASSERTIONS"]);
        Assert.NotEqual(0, assertions.GetArrayLength());
        foreach (var assertion in assertions.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, assertion.GetProperty(f["ASSERTION_ROLE"]).ValueKind);
            Assert.Equal(JsonValueKind.String, assertion.GetProperty(f["ASSERTION_NAME"]).ValueKind);
            Assert.True(assertion.GetProperty(f["ASSERTION_PASSED"]).ValueKind is JsonValueKind.True or JsonValueKind.False);
            Assert.Equal(JsonValueKind.String, assertion.GetProperty(f["ASSERTION_DETAIL"]).ValueKind);
        }
        using var manage = JsonDocument.Parse(manageBody);
        Assert.Equal(JsonValueKind.Array, manage.RootElement.GetProperty(f["RESULT_CHANGES"]).ValueKind);
    }

    [GeneratedRegex(@"^((?:RESULT|ASSERTION)_[A-Z]+) = ""(\w+)""", RegexOptions.Multiline)]
    private static partial Regex Constant();
}
